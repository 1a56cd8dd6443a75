/** Client payloads about messages beyond sending: edits, deletions, reactions, typing. */
import { z } from "zod"
import { emoji } from "./emoji.ts"
import { id, messageText } from "./inputs.ts"

export const editMessageInput = z.object({ messageId: id, text: messageText })
export const messageRef = z.object({ messageId: id })
export const reactionInput = z.object({ messageId: id, emoji })

/** typing: volatile; "stopped" ends it before the 6 s expiry. */
export const typingInput = z.object({
  conversationId: id,
  state: z.enum(["typing", "recording", "stopped"]),
})
