/** One validation schema per client payload, shared by the HTTP routes and the socket events. */
import { z } from "zod"
import { PASSWORD_LENGTH } from "./passwordRule.ts"
import { clientString } from "./strings.ts"

export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
/** Path and query parameters arrive as strings. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, "expected a positive integer id")
  .transform(Number)
  .pipe(id)
/** A sequence number: 0 means "before the first event". */
export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const seqParam = z
  .string()
  .regex(/^\d{1,16}$/, "expected a sequence number")
  .transform(Number)
  .pipe(seq)

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

/** 1 to 4,000 characters (code points, so an emoji counts once) after trimming. */
export const messageText = clientString(16_000, "at most 4,000 characters")
  .trim()
  .min(1, "must not be empty")
  .refine((t) => t.length <= 4000 || [...t].length <= 4000, "at most 4,000 characters")
export const audioUrl = clientString(2048, "at most 2,048 characters").refine(
  isHttpUrl,
  "expected an http(s) URL",
)
/** The sender's own id for a message, so a retried send is recognised (letters, digits, - _ . :). */
export const clientMessageId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "1 to 64 letters, digits, '-', '_', '.' or ':'")

export const email = clientString(254)
  .trim()
  .pipe(z.email("expected an email address"))
  .transform((e) => e.toLowerCase())
export const password = clientString(PASSWORD_LENGTH.max, `at most ${PASSWORD_LENGTH.max} characters`).min(
  PASSWORD_LENGTH.min,
  `at least ${PASSWORD_LENGTH.min} characters`,
)
const title = clientString(200, "at most 200 characters").trim().min(1)
export const displayName = clientString(100, "at most 100 characters").trim().min(1)

export const registerInput = z.object({
  email,
  password,
  displayName: displayName.optional(),
  /** An admin's invite: needed when REGISTRATION=invite. */
  inviteToken: clientString(128).optional(),
})
export const loginInput = z.object({ email, password: clientString(256).min(1) })

export const createConversationInput = z.object({
  type: z.enum(["group", "direct"]).default("group"),
  title: title.nullish(),
  participantIds: z.array(id).max(10_000),
})

export const conversationRef = z.object({ conversationId: id })
export const changePasswordInput = z.object({
  currentPassword: clientString(256).min(1),
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

/** An upload's id: 22 base64url characters (16 random bytes). */
export const uploadId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, "expected an upload id")
/** Uploads of the sender's, each once; other fields of each item are ignored. */
export const attachmentsInput = z
  .array(z.object({ id: uploadId }))
  .min(1, "at least 1 attachment, or leave it out")
  .max(10, "at most 10 attachments")
  .refine((list) => new Set(list.map((a) => a.id)).size === list.length, "each upload at most once")

export const sendMessageInput = z
  .object({
    conversationId: id,
    text: messageText.nullish(),
    audioUrl: audioUrl.nullish(),
    replyToMessageId: id.nullish(),
    clientMessageId: clientMessageId.optional(),
    attachments: attachmentsInput.optional(),
  })
  .refine((m) => m.text != null || m.audioUrl != null || m.attachments !== undefined, {
    message: "text, audioUrl or attachments is required",
    path: ["text"],
  })

export const markReadInput = z.object({ messageId: id })
/** mark_read and mark_delivered: move my pointer up to `seq`. */
export const pointerInput = z.object({ conversationId: id, seq })

export const historyQuery = z.object({
  before: idParam.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "expected 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1, "expected 1 to 100").max(100, "expected 1 to 100"))
    .default(50),
})

export const SYNC_MAX_LIMIT = 500
const syncLimit = z.number().int().min(1).max(SYNC_MAX_LIMIT, `at most ${SYNC_MAX_LIMIT}`)

/** GET /api/conversations/:id/events?after=&limit= */
export const eventsQuery = z.object({
  after: seqParam.default(0),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `expected 1 to ${SYNC_MAX_LIMIT}`)
    .transform(Number)
    .pipe(syncLimit)
    .default(100),
})

/** The socket `sync`: for each conversation id (a key), the last seq the client holds. */
export const syncInput = z.object({
  conversations: z
    .record(
      z
        .string()
        .regex(/^[1-9]\d{0,15}$/, "keys are conversation ids")
        // Past 2^53 a key would turn into another number, and `gone` would answer an id never asked.
        .refine((key) => Number.isSafeInteger(Number(key)), "keys are conversation ids"),
      seq,
    )
    .refine((c) => Object.keys(c).length <= 1000, "at most 1,000 conversations per sync")
    .default({}),
  limit: syncLimit.default(100),
})

export type RegisterInput = z.output<typeof registerInput>
export type CreateConversationInput = z.output<typeof createConversationInput>
export type SendMessageInput = z.output<typeof sendMessageInput>
export type SyncInput = z.output<typeof syncInput>
