/** One validation schema per payload, shared by the HTTP routes and the socket events. */
import { z } from "zod"

export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
/** Path and query parameters arrive as strings. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, "expected a positive integer id")
  .transform(Number)
  .pipe(id)

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

/** 1 to 4,000 characters (code points, so an emoji counts once) after trimming. */
export const messageText = z
  .string()
  .max(16_000, "at most 4,000 characters")
  .trim()
  .min(1, "must not be empty")
  .refine((t) => t.length <= 4000 || [...t].length <= 4000, "at most 4,000 characters")
export const audioUrl = z
  .string()
  .max(2048, "at most 2,048 characters")
  .refine(isHttpUrl, "expected an http(s) URL")

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email("expected an email address"))
  .transform((e) => e.toLowerCase())
const password = z.string().min(8, "at least 8 characters").max(256, "at most 256 characters")
const title = z.string().trim().min(1).max(200, "at most 200 characters")
const displayName = z.string().trim().min(1).max(100, "at most 100 characters")

export const registerInput = z.object({ email, password, displayName: displayName.optional() })
export const loginInput = z.object({ email, password: z.string().min(1).max(256) })

export const createConversationInput = z.object({
  type: z.enum(["group", "direct"]).default("group"),
  title: title.nullish(),
  participantIds: z.array(id).max(10_000),
})

export const conversationRef = z.object({ conversationId: id })
export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: password,
})
export const addParticipantsInput = z.object({ conversationId: id, userIds: z.array(id).min(1).max(1000) })
export const participantRef = z.object({ conversationId: id, userId: id })
export const changeRoleInput = z.object({ conversationId: id, userId: id, role: z.enum(["admin", "member"]) })
export const updateConversationInput = z.object({
  conversationId: id,
  title: title.nullable(),
})
export const listQuery = z.object({ includeBlocked: z.enum(["true", "false"]).default("false") })

export const sendMessageInput = z
  .object({
    conversationId: id,
    text: messageText.nullish(),
    audioUrl: audioUrl.nullish(),
    replyToMessageId: id.nullish(),
  })
  .refine((m) => m.text != null || m.audioUrl != null, {
    message: "text or audioUrl is required",
    path: ["text"],
  })

export const markReadInput = z.object({ messageId: id })

export const historyQuery = z.object({
  before: idParam.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "expected 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1, "expected 1 to 100").max(100, "expected 1 to 100"))
    .default(50),
})

export type RegisterInput = z.output<typeof registerInput>
export type CreateConversationInput = z.output<typeof createConversationInput>
export type SendMessageInput = z.output<typeof sendMessageInput>
