/** Accounts: password checks, sessions' revocation, and the profiles others see. */
import { and, eq, inArray, isNull, sql } from "drizzle-orm"
import { users } from "../../db/schema.ts"
import type { OwnUser, PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import { type AuditLog, target } from "./audit.ts"
import { commit } from "./transaction.ts"

export type UserRow = typeof users.$inferSelect

export const toPublicUser = (u: Pick<UserRow, "id" | "email" | "displayName">): PublicUser => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
})

/** The user as they see themself: their email, whether they are a server admin, their language. */
export const toOwnUser = (u: UserRow): OwnUser => ({
  ...toPublicUser(u),
  isAdmin: u.isAdmin,
  locale: u.locale,
})

/**
 * What others see in place of a user's email. An email is shown to its owner (register, login,
 * /api/me) and in the directory only as the directory's rule allows (services/people/directory.ts):
 * conversation payloads (participants, senders, `by`) never carry another user's address.
 */
export const HIDDEN_EMAIL = ""

/** A user as every other user sees them: the email hidden. */
export const asSeenByOthers = (u: PublicUser): PublicUser => ({ ...u, email: HIDDEN_EMAIL })

const INVALID_CREDENTIALS = "Invalid email or password"

/** The argon2id cost of new password hashes. */
export interface PasswordHashing {
  /** argon2id memory in KiB. */
  memoryKib: number
  timeCost: number
}

/** OWASP's argon2id baseline: 19 MiB, two passes. */
export const DEFAULT_HASHING: PasswordHashing = { memoryKib: 19_456, timeCost: 2 }

export interface UserServiceDeps {
  db: Db
  audit: AuditLog
  hashing?: PasswordHashing
}

/** Accounts over one database; passwords hashed with argon2id at `hashing` cost. */
export function createUserService({ db, audit, hashing = DEFAULT_HASHING }: UserServiceDeps) {
  const byId = db.query.users.findFirst({ where: eq(users.id, sql.placeholder("id")) }).prepare()
  const hash = (password: string) =>
    Bun.password.hash(password, {
      algorithm: "argon2id",
      memoryCost: hashing.memoryKib,
      timeCost: hashing.timeCost,
    })

  // Verified against when the email is unknown, so both failures take the same time.
  let dummyHash: Promise<string> | undefined
  const verify = async (password: string, row: UserRow | undefined) => {
    dummyHash ??= hash("not-a-real-password")
    return Bun.password.verify(password, row?.passwordHash || (await dummyHash))
  }

  return {
    hash,

    /**
     * The user whose password matches: one UNAUTHORIZED for an unknown email and a wrong password
     * alike; FORBIDDEN for a disabled account, told only to whoever knows its password.
     */
    async authenticate(email: string, password: string): Promise<UserRow> {
      const row = await db.query.users.findFirst({
        where: and(eq(users.email, email), isNull(users.deletedAt)),
      })
      const ok = await verify(password, row)
      if (!row || !ok) {
        await audit.record({
          action: "auth.login_failed",
          actorId: null,
          target: row ? target("user", row.id) : null,
          details: { email, reason: "password" },
        })
        throw new AppError("UNAUTHORIZED", INVALID_CREDENTIALS)
      }
      if (row.disabledAt) {
        await audit.record({
          action: "auth.login_failed",
          actorId: null,
          target: target("user", row.id),
          details: { email, reason: "disabled" },
        })
        throw new AppError("FORBIDDEN", "Account disabled: a server admin disabled this account")
      }
      await audit.record({ action: "auth.login", actorId: row.id, target: target("user", row.id) })
      return row
    },

    /** True when `password` is the user's (for changes that need it: email, deletion). */
    async checkPassword(id: number, password: string): Promise<boolean> {
      return verify(password, await byId.get({ id }))
    },

    /** Revokes every token of the user (logout everywhere); returns the new token version. */
    async revokeTokens(id: number): Promise<UserRow> {
      const results = await commit(db, [
        db
          .update(users)
          .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
          .where(eq(users.id, id)),
        audit.step({ action: "auth.logout_all", actorId: id, target: target("user", id), ifChanged: true }),
      ])
      const row = results[0]!.rowsAffected === 1 ? await byId.get({ id }) : undefined
      if (!row) throw new AppError("NOT_FOUND", "User not found")
      return row
    },

    /** Changes the password after checking the current one; revokes every earlier token. */
    async changePassword(id: number, currentPassword: string, newPassword: string): Promise<UserRow> {
      const row = await byId.get({ id })
      if (!row || !(await Bun.password.verify(currentPassword, row.passwordHash))) {
        throw new AppError("UNAUTHORIZED", "The current password is wrong", { field: "currentPassword" })
      }
      const passwordHash = await hash(newPassword)
      await commit(db, [
        db
          .update(users)
          .set({ passwordHash, tokenVersion: sql`${users.tokenVersion} + 1` })
          .where(eq(users.id, id)),
        audit.step({ action: "auth.password_change", actorId: id, target: target("user", id) }),
      ])
      return (await byId.get({ id }))!
    },

    /** Every authenticated request and handshake asks this: prepared once. */
    async findById(id: number): Promise<UserRow | undefined> {
      return byId.get({ id })
    },

    /** The profiles of the users among `ids` that exist (deleted accounts do not), as others see them. */
    async publicUsers(ids: number[]): Promise<Map<number, PublicUser>> {
      const found = new Map<number, PublicUser>()
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .select({ id: users.id, email: users.email, displayName: users.displayName })
          .from(users)
          .where(and(inArray(users.id, ids.slice(i, i + 500)), isNull(users.deletedAt)))
        for (const r of rows) found.set(r.id, asSeenByOthers(r))
      }
      return found
    },
  }
}

export type UserService = ReturnType<typeof createUserService>
