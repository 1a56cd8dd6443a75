/** What the people routes answer: directory pages, accounts as admins see them, invites, audit records. */
import { z } from "zod"
import { attachment } from "./messageParts.ts"
import { isoTime, ownUser, publicUser } from "./wire.ts"

/** A page of the directory. */
export const directoryPage = z.object({ users: z.array(publicUser) })

/** An account as server admins see it: never its password hash or token data. */
export const adminUser = publicUser.extend({
  isAdmin: z.boolean(),
  disabledAt: isoTime.nullable(),
  createdAt: isoTime,
})

export const adminUsersPage = z.object({
  users: z.array(adminUser),
  /** Pass as `after` for the next page; null at the end. */
  nextAfter: z.number().nullable(),
})

export const invite = z.object({
  id: z.number(),
  /** Only this email may register with it, when set. */
  email: z.string().nullable(),
  maxUses: z.number(),
  uses: z.number(),
  expiresAt: isoTime,
  createdAt: isoTime,
  createdBy: z.number(),
  revokedAt: isoTime.nullable(),
  status: z.enum(["active", "used", "expired", "revoked"]),
})

/** A new invite and its token, shown this once (only a hash is kept). */
export const createdInvite = z.object({ invite, token: z.string() })

/** A one-time reset token, shown this once; its owner sets a password with POST /api/auth/reset. */
export const resetToken = z.object({ userId: z.number(), token: z.string(), expiresAt: isoTime })

/** A new account made by an admin, with the reset token its owner sets a password with. */
export const createdUser = z.object({ user: adminUser, reset: resetToken })

export const auditEvent = z.object({
  id: z.number(),
  createdAt: isoTime,
  /** Null when nobody signed in acted (a failed login, the command line). */
  actorId: z.number().nullable(),
  action: z.string(),
  /** "<kind>:<id>": user:7, conversation:3, invite:2. */
  target: z.string().nullable(),
  address: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
})

export const auditPage = z.object({
  events: z.array(auditEvent),
  /** Pass as `before` for the next (older) page; null at the oldest. */
  nextBefore: z.number().nullable(),
})

/** The answer of PATCH /api/me and GET /api/me. */
export const me = z.object({ user: ownUser })

/** GET /api/me/export: the account, its conversations and every message it sent. */
export const exportDocument = z.object({
  exportedAt: isoTime,
  account: ownUser.extend({ createdAt: isoTime }),
  conversations: z.array(
    z.object({
      id: z.number(),
      type: z.enum(["group", "direct"]),
      title: z.string().nullable(),
      createdAt: isoTime,
      archivedAt: isoTime.nullable(),
      role: z.enum(["admin", "member"]),
      joinedAt: isoTime,
      /** When the user left or was removed; null while a participant. */
      leftAt: isoTime.nullable(),
      blocked: z.boolean(),
      /** The current participants, by id and name. */
      participants: z.array(z.object({ id: z.number(), displayName: z.string().nullable() })),
    }),
  ),
  messages: z.array(
    z.object({
      id: z.number(),
      conversationId: z.number(),
      seq: z.number(),
      text: z.string().nullable(),
      audioUrl: z.string().nullable(),
      replyToMessageId: z.number().nullable(),
      clientMessageId: z.string().nullable(),
      createdAt: isoTime,
      attachments: z.array(attachment),
    }),
  ),
})
