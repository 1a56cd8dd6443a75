/**
 * What the database file holds by itself, without its write-ahead log: what a checkpoint has copied back.
 * Also how a test waits for the server's own writes after a commit to be over (the search index's
 * catch-up some time later, then the idle checkpoint), when it counts what the server does.
 */
import { Database } from "bun:sqlite"
import { copyFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { tempDir } from "./server.ts"
import { until } from "./wait.ts"

/** The first row of `sql` in a copy of the database file at `dbPath` alone (its log left behind). */
function inFileAlone<T>(dbPath: string, sql: string, ...args: (string | number)[]): T | undefined {
  const dir = tempDir()
  const copy = join(dir, "copy.db")
  copyFileSync(dbPath, copy)
  const db = new Database(copy)
  try {
    return (db.query(sql).get(...args) ?? undefined) as T | undefined
  } catch {
    return undefined // the schema itself may not be in the file yet
  } finally {
    db.close()
    // Polled every few milliseconds by some tests: each copy goes at once.
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The messages with `text` in the database file alone. */
export function messagesInFileAlone(dbPath: string, text: string): number {
  return inFileAlone<{ n: number }>(dbPath, "SELECT count(*) AS n FROM messages WHERE text = ?", text)?.n ?? 0
}

/**
 * Resolves once the server's own writes after the message `id` are over: the search index has caught up
 * with it, and a checkpoint has run since (the file alone says so). Neither runs again until a commit.
 */
export function settledAfter(dbPath: string, id: number): Promise<void> {
  return until(
    () =>
      (inFileAlone<{ n: number }>(dbPath, "SELECT indexed_up_to AS n FROM search_progress")?.n ?? 0) >= id,
    10_000,
    `the search index and a checkpoint past message ${id}`,
  )
}
