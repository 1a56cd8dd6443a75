/** Payloads of the changes to existing messages: edits, deletions, reactions. */
import { z } from "zod"
import { message, publicUser, withSeq } from "./wire.ts"

export const messageEditedPayload = withSeq({ message })
export const messageDeletedPayload = withSeq({ messageId: z.number(), deletedBy: z.number() })
/** reaction_added and reaction_removed: `count` is how many now react with that emoji. */
export const reactionPayload = withSeq({
  messageId: z.number(),
  userId: z.number(),
  emoji: z.string(),
  count: z.number(),
})
/** The acknowledgement of a reaction; `duplicate` when nothing changed (no seq, no broadcast). */
export const reactionAck = reactionPayload.extend({ seq: z.number().nullable(), duplicate: z.boolean() })

/** GET /api/messages/:id/reactions: who reacted with what, in the order the emojis came. */
export const reactionList = z.object({
  messageId: z.number(),
  reactions: z.array(
    z.object({
      emoji: z.string(),
      count: z.number(),
      me: z.boolean(),
      users: z.array(publicUser.pick({ id: true, displayName: true })),
    }),
  ),
})
