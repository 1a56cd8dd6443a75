/** Statements on accounts that several people services share: a new account, the admin guard, the admin view. */
import type { InStatement } from "@libsql/client"
import type { AdminUser } from "../../contract.ts"
import type { SqlValue } from "../audit.ts"
import type { UserRow } from "../userService.ts"
import { searchName } from "./searchName.ts"

export interface NewAccount {
  email: string
  passwordHash: string
  displayName: string | null
  /** "first": an admin only if it is the first account ever. */
  isAdmin: boolean | "first"
}

/**
 * Inserts an account and returns its id. With `ifChanged` it inserts only if the statement before
 * changed a row (an invite's use): the two stand or fall together in one transaction.
 */
export function insertAccount(a: NewAccount, { ifChanged = false } = {}): InStatement {
  const admin = a.isAdmin === "first" ? "NOT EXISTS (SELECT 1 FROM users)" : a.isAdmin ? "1" : "0"
  return {
    sql: `INSERT INTO users (email, password_hash, display_name, search_name, is_admin, created_at)
          SELECT ?, ?, ?, ?, ${admin}, ?${ifChanged ? " WHERE changes() > 0" : ""} RETURNING id`,
    args: [a.email, a.passwordHash, a.displayName, searchName(a.displayName), Date.now()],
  }
}

/** The account the statement before inserted, for the records that follow it in the transaction. */
export const insertedUser: SqlValue = { sql: "last_insert_rowid()", args: [] }
export const insertedUserTarget: SqlValue = { sql: "'user:' || last_insert_rowid()", args: [] }

/** SQL true while some other enabled account (than `?`) is a server admin: the server keeps one. */
export const ANOTHER_ADMIN = `EXISTS (SELECT 1 FROM users WHERE is_admin = 1 AND disabled_at IS NULL
  AND deleted_at IS NULL AND id <> ?)`

/** An account as server admins see it. */
export const toAdminUser = (u: UserRow): AdminUser => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  isAdmin: u.isAdmin,
  disabledAt: u.disabledAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
})
