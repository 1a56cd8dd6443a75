/**
 * Password resets: an admin gets a one-time token for an account (never a password) and hands it
 * to its owner, who sets a new password with it. A newer token replaces an unused older one.
 */
import type { InStatement } from "@libsql/client"
import { and, eq, isNull } from "drizzle-orm"
import { passwordResets, users } from "../../../db/schema.ts"
import type { ResetToken } from "../../contract.ts"
import type { Db } from "../../db.ts"
import { AppError } from "../../errors.ts"
import type { EventBus } from "../../events.ts"
import { type AuditLog, type SqlValue, target } from "../audit.ts"
import { commit } from "../transaction.ts"
import type { UserService } from "../userService.ts"
import { hashToken, newToken } from "./secrets.ts"

export interface ResetDeps {
  db: Db
  audit: AuditLog
  bus: EventBus
  users: UserService
  ttlSeconds: number
}

const INVALID = () =>
  new AppError("BAD_REQUEST", "token: this reset token is not valid, already used or expired", {
    field: "token",
  })

/** Password resets over one database. */
export function createPasswordResets({ db, audit, bus, users: userService, ttlSeconds }: ResetDeps) {
  /** The statements that make a fresh token for `userId` (an id, or one made earlier in the transaction). */
  function issueSteps(userId: number | SqlValue, createdBy: number | null) {
    const token = newToken()
    const expiresAt = Date.now() + ttlSeconds * 1000
    const id = typeof userId === "number" ? { sql: "?", args: [userId] } : userId
    const steps: InStatement[] = [
      { sql: `DELETE FROM password_resets WHERE user_id = ${id.sql} AND used_at IS NULL`, args: id.args },
      {
        sql: `INSERT INTO password_resets (token_hash, user_id, created_by, created_at, expires_at)
              VALUES (?, ${id.sql}, ?, ?, ?)`,
        args: [hashToken(token), ...id.args, createdBy, Date.now(), expiresAt],
      },
    ]
    return { steps, token, expiresAt: new Date(expiresAt).toISOString() }
  }

  return {
    issueSteps,

    /** Admin: a reset token for an existing account. */
    async issue(actorId: number, userId: number): Promise<ResetToken> {
      const user = await db.query.users.findFirst({
        where: and(eq(users.id, userId), isNull(users.deletedAt)),
      })
      if (!user) throw new AppError("NOT_FOUND", `User ${userId} does not exist`)
      const { steps, token, expiresAt } = issueSteps(userId, actorId)
      await commit(db, [
        ...steps,
        audit.step({
          action: "admin.password_reset",
          actorId,
          target: target("user", userId),
          details: { expiresAt },
        }),
      ])
      return { userId, token, expiresAt }
    },

    /** Sets the password of the token's account, once; every earlier token of the account is revoked. */
    async use(token: string, newPassword: string): Promise<void> {
      const tokenHash = hashToken(token)
      const reset = await db.query.passwordResets.findFirst({
        where: eq(passwordResets.tokenHash, tokenHash),
      })
      if (!reset || reset.usedAt || reset.expiresAt.getTime() <= Date.now()) throw INVALID()
      const passwordHash = await userService.hash(newPassword)
      const now = Date.now()
      // Each statement only acts if the one before did: a token used twice at once sets one password.
      const results = await commit(db, [
        {
          sql: "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
          args: [now, tokenHash, now],
        },
        {
          sql: `UPDATE users SET password_hash = ?, token_version = token_version + 1
                WHERE id = ? AND deleted_at IS NULL AND changes() > 0`,
          args: [passwordHash, reset.userId],
        },
        audit.step({
          action: "auth.password_reset",
          actorId: reset.userId,
          target: target("user", reset.userId),
          ifChanged: true,
        }),
      ])
      if (results[1]!.rowsAffected !== 1) throw INVALID()
      bus.emit("sessions_revoked", { userId: reset.userId })
    },
  }
}

export type PasswordResets = ReturnType<typeof createPasswordResets>
