/**
 * The audit log. A record is a statement (`step`) committed in the same transaction as the change it
 * records, so there is never a change without its record nor a record of a change that rolled back.
 * Actions that change nothing else (a login) commit their record alone (`record`).
 */
import type { InStatement } from "@libsql/client"
import { and, desc, eq, gt, lt } from "drizzle-orm"
import { auditEvents } from "../../db/schema.ts"
import type { Db } from "../db.ts"
import type { AuditAction } from "../schemas/auditActions.ts"
import type { AuditQuery } from "../schemas/peopleInputs.ts"
import type { RequestContext } from "./requestContext.ts"
import { commit } from "./transaction.ts"

/** SQL for a value only known inside the transaction (an id inserted earlier in it). */
export interface SqlValue {
  sql: string
  args: (string | number | null)[]
}

export interface AuditEntry {
  action: AuditAction
  /** Who acted: null when nobody signed in did (a failed login, the command line). */
  actorId: number | null | SqlValue
  /** "<kind>:<id>", e.g. "user:7"; SQL when the id is made in the same transaction. */
  target?: string | null | SqlValue
  details?: Record<string, unknown>
  /** Stored only if the statement just before it changed a row (a change guarded by a condition). */
  ifChanged?: boolean
  /**
   * The statement before it must have changed a row, or the whole transaction rolls back (see
   * `isAbortedRecord`): for a change that must not go on without the one it records.
   */
  orAbort?: boolean
  /** Instead of the request's address (the command line says "cli"). */
  address?: string | null
}

/** The id of the user, conversation or invite a record is about, as stored. */
export const target = (kind: "user" | "conversation" | "invite" | "message", id: number) => `${kind}:${id}`

const isSql = (v: unknown): v is SqlValue => typeof v === "object" && v !== null && "sql" in v
const value = (v: string | number | null | undefined | SqlValue) =>
  isSql(v) ? v : { sql: "?", args: [v ?? null] }

/** True for the failure of a record made with `orAbort`: the change it guarded did not happen. */
export const isAbortedRecord = (err: unknown): boolean =>
  /NOT NULL constraint failed: audit_events\.action/.test(String((err as Error)?.message ?? err))

export type AuditRecord = ReturnType<typeof toRecord>
const toRecord = (r: typeof auditEvents.$inferSelect) => ({
  id: r.id,
  createdAt: r.createdAt.toISOString(),
  actorId: r.actorId,
  action: r.action,
  target: r.target,
  address: r.address,
  details: JSON.parse(r.details) as Record<string, unknown>,
})

/** The audit log over one database; addresses come from the request context. */
export function createAuditLog(db: Db, context: Pick<RequestContext, "address">) {
  /** The statement that stores one record; put it in the transaction of the change. */
  function step(entry: AuditEntry): InStatement {
    const actor = value(entry.actorId)
    const about = value(entry.target)
    const address = entry.address === undefined ? context.address() : entry.address
    // A NULL action breaks the column's NOT NULL: the way to abort a batch from inside it.
    const action = entry.orAbort ? "CASE WHEN changes() > 0 THEN ? END" : "?"
    return {
      sql: `INSERT INTO audit_events (created_at, actor_id, action, target, address, details)
            SELECT ?, ${actor.sql}, ${action}, ${about.sql}, ?, ?${entry.ifChanged ? " WHERE changes() > 0" : ""}`,
      args: [
        Date.now(),
        ...actor.args,
        entry.action,
        ...about.args,
        address,
        JSON.stringify(entry.details ?? {}),
      ],
    }
  }

  return {
    step,
    /** Stores a record on its own, for an action that changes nothing else. */
    async record(entry: AuditEntry): Promise<void> {
      await commit(db, [step(entry)])
    },

    /** Newest first, filtered by actor and action; `nextBefore` continues to older records. */
    async page(query: AuditQuery) {
      const rows = await db
        .select()
        .from(auditEvents)
        .where(
          and(
            query.actor === undefined ? undefined : eq(auditEvents.actorId, query.actor),
            query.action === undefined ? undefined : eq(auditEvents.action, query.action),
            query.before === undefined ? undefined : lt(auditEvents.id, query.before),
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(query.limit + 1)
      const more = rows.length > query.limit
      const events = (more ? rows.slice(0, query.limit) : rows).map(toRecord)
      return { events, nextBefore: more ? events.at(-1)!.id : null }
    },

    /** Every record after `afterId`, oldest first, read a page at a time (the command line's export). */
    async *all(afterId = 0, pageSize = 1000): AsyncGenerator<AuditRecord> {
      for (let cursor = afterId; ; ) {
        const rows = await db
          .select()
          .from(auditEvents)
          .where(gt(auditEvents.id, cursor))
          .orderBy(auditEvents.id)
          .limit(pageSize)
        for (const r of rows) yield toRecord(r)
        if (rows.length < pageSize) return
        cursor = rows.at(-1)!.id
      }
    },
  }
}

export type AuditLog = ReturnType<typeof createAuditLog>
