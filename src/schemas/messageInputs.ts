/** Client payloads about existing messages: edits, deletions, reactions. */
import { z } from "zod"
import { emoji } from "./emoji.ts"
import { id, messageText } from "./inputs.ts"

export const editMessageInput = z.object({ messageId: id, text: messageText })
export const messageRef = z.object({ messageId: id })
export const reactionInput = z.object({ messageId: id, emoji })
