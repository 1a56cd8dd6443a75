/**
 * WAL checkpoints while the writer rests. SQLite's automatic checkpoint runs inside the commit that
 * crosses `wal_autocheckpoint`, and blocks the event loop for 10-15 ms there, in the middle of a busy
 * moment. Here, once no write has come for `idleMs`, a PASSIVE checkpoint copies the log back into
 * the database file (it never waits for readers); the automatic one is left as a bound for a writer
 * that never rests (db.ts raises its threshold).
 */
import type { Client } from "@libsql/client"

export interface CheckpointResult {
  /** Frames in the log, and frames copied back into the database file. */
  log: number
  checkpointed: number
}

/** Checkpoints `client`'s database once it has been written to and then left alone for `idleMs`. */
export function createIdleCheckpoint(client: Client, { idleMs = 250 }: { idleMs?: number } = {}) {
  let dirty = false
  let lastWrite = 0
  let running = false
  let runs = 0
  let last: CheckpointResult | undefined
  const timer = setInterval(() => {
    if (!dirty || running || performance.now() - lastWrite < idleMs) return
    dirty = false
    running = true
    client
      .execute("PRAGMA wal_checkpoint(PASSIVE)")
      .then((result) => {
        const row = result.rows[0]
        runs++
        last = { log: Number(row?.log ?? 0), checkpointed: Number(row?.checkpointed ?? 0) }
      })
      // A closed or busy database: try again after the next write.
      .catch(() => {})
      .finally(() => {
        running = false
      })
  }, idleMs)
  timer.unref?.()
  return {
    /** Tells it a write committed. */
    wrote(): void {
      dirty = true
      lastWrite = performance.now()
    },
    /** Checkpoints run so far, and what the last one did. */
    get stats(): { runs: number; last: CheckpointResult | undefined } {
      return { runs, last }
    },
    stop(): void {
      clearInterval(timer)
    },
  }
}

export type IdleCheckpoint = ReturnType<typeof createIdleCheckpoint>
