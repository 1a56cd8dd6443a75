/**
 * Server administration of accounts: the list, disabling and enabling, granting and revoking
 * admin. The server always keeps one enabled admin; each change is committed with its record.
 */
import { and, asc, eq, gt, isNull, or, type SQL, sql } from "drizzle-orm"
import { users } from "../../../db/schema.ts"
import type { AdminUser, AdminUsersPage } from "../../contract.ts"
import type { Db } from "../../db.ts"
import { AppError } from "../../errors.ts"
import type { EventBus } from "../../events.ts"
import type { AuditAction } from "../../schemas/auditActions.ts"
import { type AuditLog, type SqlValue, target } from "../audit.ts"
import { commit } from "../transaction.ts"
import { ANOTHER_ADMIN, toAdminUser } from "./accountRows.ts"
import { likeLiteral, searchName } from "./searchName.ts"

export interface AdminDeps {
  db: Db
  audit: AuditLog
  bus: EventBus
}

const LAST_ADMIN = () =>
  new AppError("BAD_REQUEST", "The server needs an enabled admin: make another account admin first")

/** Account administration over one database. */
export function createAdmin({ db, audit, bus }: AdminDeps) {
  const live = (id: number) => and(eq(users.id, id), isNull(users.deletedAt))
  async function account(id: number) {
    const row = await db.query.users.findFirst({ where: live(id) })
    if (!row) throw new AppError("NOT_FOUND", `User ${id} does not exist`)
    return row
  }

  /**
   * Sets columns of an account with its record, both only if `guard` (SQL over the row) holds;
   * false when it did not.
   */
  async function change(actorId: number, id: number, action: AuditAction, set: SqlValue, guard?: SqlValue) {
    const where = guard ?? { sql: "1", args: [] }
    const results = await commit(db, [
      {
        sql: `UPDATE users SET ${set.sql} WHERE id = ? AND deleted_at IS NULL AND ${where.sql}`,
        args: [...set.args, id, ...where.args],
      },
      audit.step({ action, actorId, target: target("user", id), ifChanged: true }),
    ])
    return results[0]!.rowsAffected === 1
  }
  const anotherAdmin = (id: number): SqlValue => ({ sql: `(is_admin = 0 OR ${ANOTHER_ADMIN})`, args: [id] })
  const when = (sql: string): SqlValue => ({ sql, args: [] })

  const notSelf = (actorId: number, id: number, what: string) => {
    if (actorId === id) throw new AppError("BAD_REQUEST", `You cannot ${what} your own account`)
  }

  return {
    /** Accounts in id order, optionally matching `q` (a name or word prefix, or an email prefix). */
    async list(query: { q?: string; after?: number; limit: number }): Promise<AdminUsersPage> {
      const conditions: (SQL | undefined)[] = [isNull(users.deletedAt)]
      if (query.after !== undefined) conditions.push(gt(users.id, query.after))
      if (query.q) {
        const name = likeLiteral(searchName(query.q))
        const email = likeLiteral(query.q.toLowerCase())
        conditions.push(
          or(
            name ? sql`${users.searchName} LIKE ${`${name}%`} ESCAPE '\\'` : undefined,
            name ? sql`${users.searchName} LIKE ${`% ${name}%`} ESCAPE '\\'` : undefined,
            sql`${users.email} LIKE ${`${email}%`} ESCAPE '\\'`,
          ),
        )
      }
      const rows = await db
        .select()
        .from(users)
        .where(and(...conditions))
        .orderBy(asc(users.id))
        .limit(query.limit + 1)
      const more = rows.length > query.limit
      const page = (more ? rows.slice(0, query.limit) : rows).map(toAdminUser)
      return { users: page, nextAfter: more ? page.at(-1)!.id : null }
    },

    /** Disables an account: logins refused, every token revoked, its sockets disconnected at once. */
    async disable(actorId: number, id: number): Promise<AdminUser> {
      notSelf(actorId, id, "disable")
      await account(id)
      const set = {
        sql: "disabled_at = coalesce(disabled_at, ?), token_version = token_version + 1",
        args: [Date.now()],
      }
      if (!(await change(actorId, id, "admin.user_disable", set, anotherAdmin(id)))) throw LAST_ADMIN()
      bus.emit("sessions_revoked", { userId: id })
      return toAdminUser(await account(id))
    },

    /** Enables a disabled account; its owner logs in again. */
    async enable(actorId: number, id: number): Promise<AdminUser> {
      await account(id)
      await change(
        actorId,
        id,
        "admin.user_enable",
        when("disabled_at = NULL"),
        when("disabled_at IS NOT NULL"),
      )
      return toAdminUser(await account(id))
    },

    /** Makes an account a server admin. */
    async grant(actorId: number, id: number): Promise<AdminUser> {
      await account(id)
      await change(actorId, id, "admin.grant", when("is_admin = 1"), when("is_admin = 0"))
      return toAdminUser(await account(id))
    },

    /** Takes server admin away, never from the last enabled admin. */
    async revoke(actorId: number, id: number): Promise<AdminUser> {
      const row = await account(id)
      if (row.isAdmin && !(await change(actorId, id, "admin.revoke", when("is_admin = 0"), anotherAdmin(id))))
        throw LAST_ADMIN()
      return toAdminUser(await account(id))
    },
  }
}

export type Admin = ReturnType<typeof createAdmin>
