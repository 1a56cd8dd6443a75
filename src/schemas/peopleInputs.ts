/** What clients send to the people routes: password resets and administration. */
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

export type CreateInviteInput = z.output<typeof createInviteInput>
export type AuditQuery = z.output<typeof auditQuery>
