/** Accounts: registration, password checks and public profiles. */
import { eq, inArray, sql } from "drizzle-orm"
import { users } from "../../db/schema.ts"
import type { PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { RegisterInput } from "../schemas/inputs.ts"

export type UserRow = typeof users.$inferSelect

export const toPublicUser = (u: Pick<UserRow, "id" | "email" | "displayName">): PublicUser => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
})

/**
 * What others see in place of a user's email. Until a directory setting decides who may see whom,
 * an email is shown to its owner only (register, login, /api/me): adding strangers to a group must
 * not be a way to collect their addresses. The field stays, a string, for existing clients.
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

/** Accounts over one database; passwords hashed with argon2id at `hashing` cost. */
export function createUserService(db: Db, hashing: PasswordHashing = DEFAULT_HASHING) {
  const byId = db.query.users.findFirst({ where: eq(users.id, sql.placeholder("id")) }).prepare()
  const hash = (password: string) =>
    Bun.password.hash(password, {
      algorithm: "argon2id",
      memoryCost: hashing.memoryKib,
      timeCost: hashing.timeCost,
    })

  // Verified against when the email is unknown, so both failures take the same time.
  let dummyHash: Promise<string> | undefined

  return {
    async register(input: RegisterInput): Promise<UserRow> {
      const passwordHash = await hash(input.password)
      const [row] = await db
        .insert(users)
        .values({ email: input.email, passwordHash, displayName: input.displayName ?? null })
        .onConflictDoNothing({ target: users.email })
        .returning()
      if (!row)
        throw new AppError("CONFLICT", "An account with this email already exists", { field: "email" })
      return row
    },

    /** The user whose password matches; one UNAUTHORIZED for unknown email and wrong password alike. */
    async authenticate(email: string, password: string): Promise<UserRow> {
      const row = await db.query.users.findFirst({ where: eq(users.email, email) })
      dummyHash ??= hash("not-a-real-password")
      const ok = await Bun.password.verify(password, row?.passwordHash ?? (await dummyHash))
      if (!row || !ok) throw new AppError("UNAUTHORIZED", INVALID_CREDENTIALS)
      return row
    },

    /** Revokes every token of the user (logout everywhere); returns the new token version. */
    async revokeTokens(id: number): Promise<UserRow> {
      const [row] = await db
        .update(users)
        .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
        .where(eq(users.id, id))
        .returning()
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
      const [updated] = await db
        .update(users)
        .set({ passwordHash, tokenVersion: sql`${users.tokenVersion} + 1` })
        .where(eq(users.id, id))
        .returning()
      return updated!
    },

    /** Every authenticated request and handshake asks this: prepared once. */
    async findById(id: number): Promise<UserRow | undefined> {
      return byId.get({ id })
    },

    /** The profiles of the users among `ids` that exist, as others see them (email hidden). */
    async publicUsers(ids: number[]): Promise<Map<number, PublicUser>> {
      const found = new Map<number, PublicUser>()
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .select({ id: users.id, email: users.email, displayName: users.displayName })
          .from(users)
          .where(inArray(users.id, ids.slice(i, i + 500)))
        for (const r of rows) found.set(r.id, asSeenByOthers(r))
      }
      return found
    },
  }
}

export type UserService = ReturnType<typeof createUserService>
