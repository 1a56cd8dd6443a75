/**
 * Multi-statement changes commit as one write transaction (a libSQL batch: BEGIN IMMEDIATE ...
 * COMMIT), so a crash in the middle leaves nothing half-made. Interactive transactions are not
 * used: the local client has one connection, which a transaction would hold from everyone else.
 */
import type { InStatement, ResultSet } from "@libsql/client"
import type { Db } from "../db.ts"

/** A Drizzle query, or raw SQL with its arguments. */
export type Step = { toSQL(): { sql: string; params: unknown[] } } | InStatement

const toStatement = (step: Step): InStatement =>
  typeof step === "object" && "toSQL" in step
    ? { sql: step.toSQL().sql, args: step.toSQL().params as never }
    : step

/**
 * Runs the steps in one write transaction and resolves with each step's result. Callers publish
 * what they changed right after this resolves, with nothing awaited in between: transactions
 * commit one after another, so their events then go out in commit (= seq) order.
 */
export function commit(db: Db, steps: Step[]): Promise<ResultSet[]> {
  return db.$client.batch(steps.map(toStatement), "write")
}
