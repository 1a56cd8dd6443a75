/**
 * The shapes the server sends, as zod schemas: the wire types in contract.ts are inferred from
 * them, so they are written once (and a generated API document can come from the same place).
 */
import { z } from "zod"
import { ERROR_STATUS, type ErrorCode } from "../errors.ts"
import { attachment, reactionSummary, replyPreview } from "./messageParts.ts"
import { SEQUENCED_EVENTS } from "./sequenced.ts"

export const isoTime = z.string().describe("ISO-8601 UTC")

export const publicUser = z.object({
  id: z.number(),
  email: z.string(),
  displayName: z.string().nullable(),
})

/** The caller as they see themself: their own email, whether they are a server admin, their language. */
export const ownUser = publicUser.extend({ isAdmin: z.boolean(), locale: z.string().nullable() })

export const role = z.enum(["admin", "member"])

export const participant = publicUser.extend({
  role,
  joinedAt: isoTime,
  online: z.boolean(),
  /** When their last device disconnected; null while online or if never seen. */
  lastSeenAt: isoTime.nullable(),
  /** How far this participant has read and received: they only move forward. */
  readSeq: z.number(),
  deliveredSeq: z.number(),
})

export const message = z.object({
  id: z.number(),
  conversationId: z.number(),
  /** The message's place in its conversation's sequence. */
  seq: z.number(),
  text: z.string().nullable(),
  audioUrl: z.string().nullable(),
  replyToMessageId: z.number().nullable(),
  /** The sender's own id for the message, when the sender gave one. */
  clientMessageId: z.string().nullable(),
  sender: publicUser,
  createdAt: isoTime,
  editedAt: isoTime.nullable(),
  /** A deleted message is a tombstone: text, audioUrl and reactions erased. */
  deletedAt: isoTime.nullable(),
  deletedBy: z.number().nullable(),
  reactions: z.array(reactionSummary),
  replyTo: replyPreview.nullable(),
  /** The files it carries, in order; empty when none (and once deleted). */
  attachments: z.array(attachment),
})

export const conversation = z.object({
  id: z.number(),
  type: z.enum(["group", "direct"]),
  title: z.string().nullable(),
  createdBy: z.number(),
  createdAt: isoTime,
  archivedAt: isoTime.nullable(),
  /** The seq of the conversation's latest stored event. */
  lastSeq: z.number(),
  participants: z.array(participant),
})

/** My side of a conversation: what a client needs to draw unread counts and ticks. */
export const myPointers = z.object({
  lastSeq: z.number(),
  readSeq: z.number(),
  deliveredSeq: z.number(),
  /** Messages from others after my readSeq. */
  unreadCount: z.number(),
})

/** Until when I muted the conversation: null when not muted (or no longer). */
const mutedUntil = isoTime.nullable()

export const conversationSummary = conversation.extend({
  ...myPointers.shape,
  role,
  blocked: z.boolean(),
  lastMessage: message.nullable(),
  mutedUntil,
})

/** GET /api/conversations/:id: the conversation, and my own mute. */
export const conversationDetail = conversation.extend({ mutedUntil })

export const errorBody = z.object({
  code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  field: z.string().optional(),
  retryAfterMs: z.number().optional(),
})

const conversationRef = z.object({ conversationId: z.number() })
/** The payload of a sequenced event: its conversation and `seq`, then its own fields. */
export const withSeq = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ conversationId: z.number(), seq: z.number(), ...shape })

// Payloads of the sequenced events: each carries its `seq` and is replayed by sync as `data`.
export const newMessagePayload = withSeq({ message })
export const participantAddedPayload = withSeq({ participant, by: publicUser })
export const participantRemovedPayload = withSeq({
  userId: z.number(),
  by: publicUser,
  reason: z.enum(["removed", "left"]),
})
export const roleChangedPayload = withSeq({ userId: z.number(), role, by: publicUser })
export const conversationUpdatedPayload = withSeq({ title: z.string().nullable(), by: publicUser })

export const joinedPayload = z.object({
  conversationId: z.number(),
  message: z.string(),
  lastSeq: z.number(),
  participants: z.array(participant),
})
export const messageReadPayload = z.object({
  conversationId: z.number(),
  messageId: z.number(),
  userId: z.number(),
  readAt: isoTime,
})
/** read_up_to and delivered_up_to: volatile, coalesced, no seq of their own. */
export const pointerMovedPayload = z.object({
  conversationId: z.number(),
  userId: z.number(),
  seq: z.number(),
})
export const userPresencePayload = z.object({ conversationId: z.number(), user: publicUser })
export const blockState = conversationRef.extend({ blocked: z.boolean(), blockedByOther: z.boolean() })

/** One replayed event: `type` is the live event's name, `data` its live payload. */
export const storedEvent = z.object({
  seq: z.number(),
  type: z.enum(SEQUENCED_EVENTS),
  data: z.record(z.string(), z.unknown()),
})

export const participantPointers = z.object({
  userId: z.number(),
  readSeq: z.number(),
  deliveredSeq: z.number(),
})

/** A page of one conversation's events after a seq, with where the caller stands now. */
export const eventsPage = z.object({
  conversationId: z.number(),
  events: z.array(storedEvent),
  hasMore: z.boolean(),
  ...myPointers.shape,
  /** False once the caller left or was removed: events stop at their departure. */
  active: z.boolean(),
  participants: z.array(participantPointers),
})

export const syncResult = z.object({
  conversations: z.array(eventsPage),
  /** The caller's conversations the request did not list, with their latest seq. */
  unlisted: z.array(z.object({ conversationId: z.number(), lastSeq: z.number() })),
  /** Listed conversations the caller can no longer see (left, removed, or never a member). */
  gone: z.array(z.number()),
})

/** Register, login and password change: the user and a fresh token (also set as the `token` cookie). */
export const session = z.object({ user: ownUser, token: z.string() })

/** GET /api/auth/registration: who may register right now (REGISTRATION), for a sign-up form to say so first. */
export const registrationInfo = z.object({ mode: z.enum(["open", "invite", "closed"]) })

/** A page of history, newest first; `nextBefore` is the next page's `before`, null at the oldest end. */
export const historyPage = z.object({ messages: z.array(message), nextBefore: z.number().nullable() })
