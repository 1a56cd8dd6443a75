/** What clients send to the people routes: the directory, profiles, accounts and administration. */
import { z } from "zod"
import { parseDuration } from "../config.ts"
import { AUDIT_ACTION_NAMES } from "./auditActions.ts"
import { displayName, email, idParam, password } from "./inputs.ts"
import { clientString } from "./strings.ts"

/** A query-string count between 1 and `max`. */
const count = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, `expected 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, `expected 1 to ${max}`).max(max, `expected 1 to ${max}`))
    .default(fallback)

/** GET /api/users?q=&limit=: a name prefix, a word prefix or an exact email. */
export const directoryQuery = z.object({
  q: clientString(254).trim().optional(),
  limit: count(100, 20),
})

/** A BCP 47 language tag such as "fr", "en-GB" or "zh-Hant-TW". */
const locale = z
  .string()
  .max(35, "at most 35 characters")
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'expected a language tag such as "fr" or "en-GB"')

/** PATCH /api/me: at least one change; a new email needs the current password. */
export const updateMeInput = z
  .object({
    displayName: displayName.nullable().optional(),
    locale: locale.nullable().optional(),
    email: email.optional(),
    currentPassword: clientString(256).min(1).optional(),
  })
  .refine((b) => b.displayName !== undefined || b.locale !== undefined || b.email !== undefined, {
    message: "nothing to change: give displayName, locale or email",
    path: ["displayName"],
  })
  .refine((b) => b.email === undefined || b.currentPassword !== undefined, {
    message: "the current password is needed to change the email",
    path: ["currentPassword"],
  })

/** DELETE /api/me: the password, so that a borrowed session cannot erase an account. */
export const deleteMeInput = z.object({ password: clientString(256).min(1) })

/** POST /api/auth/reset: a reset token from an admin and the new password. */
export const resetPasswordInput = z.object({ token: clientString(128).min(1), newPassword: password })

const MAX_INVITE_SECONDS = 365 * 86400
/** Seconds, or a duration such as "7d", "12h", "30m". */
const lifetime = z.union([z.number().int(), z.string()]).transform((v, ctx) => {
  const seconds = typeof v === "number" ? v : parseDuration(v)
  if (seconds === undefined || seconds < 60 || seconds > MAX_INVITE_SECONDS) {
    ctx.addIssue({ code: "custom", message: 'expected 60 s to 365 days: seconds, or "30m", "12h", "7d"' })
    return z.NEVER
  }
  return seconds
})

/** POST /api/admin/invites. */
export const createInviteInput = z.object({
  email: email.optional(),
  expiresIn: lifetime.optional(),
  uses: z.number().int().min(1).max(10_000).default(1),
})

/** POST /api/admin/users: an account without a password; its owner sets one with a reset token. */
export const createUserInput = z.object({ email, displayName: displayName.optional() })

/** GET /api/admin/users?q=&after=&limit= */
export const adminUsersQuery = z.object({
  q: clientString(254).trim().optional(),
  after: idParam.optional(),
  limit: count(200, 50),
})

/** GET /api/admin/audit?actor=&action=&before=&limit= */
export const auditQuery = z.object({
  actor: idParam.optional(),
  action: z.enum(AUDIT_ACTION_NAMES, 'expected an action name such as "auth.login"').optional(),
  before: idParam.optional(),
  limit: count(500, 100),
})

export type UpdateMeInput = z.output<typeof updateMeInput>
export type CreateInviteInput = z.output<typeof createInviteInput>
export type AuditQuery = z.output<typeof auditQuery>
