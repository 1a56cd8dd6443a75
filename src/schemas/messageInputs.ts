/** Client payloads about messages beyond sending: edits, deletions, reactions, typing, search. */
import { z } from "zod"
import { emoji } from "./emoji.ts"
import { id, idParam, messageText } from "./inputs.ts"
import { clientString } from "./strings.ts"

export const editMessageInput = z.object({ messageId: id, text: messageText })
export const messageRef = z.object({ messageId: id })
export const reactionInput = z.object({ messageId: id, emoji })

/** typing: volatile; "stopped" ends it before the 6 s expiry. */
export const typingInput = z.object({
  conversationId: id,
  state: z.enum(["typing", "recording", "stopped"]),
})

/** GET /api/search?q=&conversationId=&before=&limit= */
export const searchQuery = z.object({
  q: clientString(200, "at most 200 characters").trim().min(1, "must not be empty"),
  conversationId: idParam.optional(),
  before: idParam.optional(),
  limit: z
    .string()
    .regex(/^\d{1,2}$/, "expected 1 to 50")
    .transform(Number)
    .pipe(z.number().int().min(1, "expected 1 to 50").max(50, "expected 1 to 50"))
    .default(20),
})
export type SearchQuery = z.output<typeof searchQuery>
