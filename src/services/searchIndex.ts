/**
 * The search index's backlog. A trigger that indexed each row inside the group commit cost a fifth of
 * the insert; new messages are now indexed after it, many at once: some time after a commit, and
 * always before a search runs, so a search sees every committed message (this node's and the other
 * nodes', since the backlog is read from the database). How far the index goes is stored with it
 * (`search_progress`, one transaction), so a crash loses nothing and two nodes never index a row twice;
 * the edit and erasure triggers leave alone a row the index has not reached (migration 0007).
 */
import type { Db } from "../db.ts"

/**
 * Rows indexed per transaction, which holds the event loop and the write lock meanwhile: about 1 ms for
 * chat-sized messages, about 6 ms for 4,000-character ones (1,000 of those held it 23-36 ms).
 */
export const INDEX_CHUNK = 250
/** How long new messages wait before being indexed when no search asks for them sooner. */
export const INDEX_DELAY_MS = 200

const CATCH_UP = [
  {
    sql: `INSERT INTO messages_fts (rowid, text)
          SELECT id, text FROM messages
           WHERE id > (SELECT indexed_up_to FROM search_progress)
             AND id <= (SELECT indexed_up_to FROM search_progress) + ?`,
    args: [INDEX_CHUNK],
  },
  // Never past the last message: ids only grow, so none can appear below it later.
  {
    sql: `UPDATE search_progress SET indexed_up_to =
            max(indexed_up_to, min(indexed_up_to + ?, (SELECT coalesce(max(id), 0) FROM messages)))
          RETURNING indexed_up_to, (SELECT coalesce(max(id), 0) FROM messages) AS last_id`,
    args: [INDEX_CHUNK],
  },
]

// Read first, outside any transaction: most searches find nothing to index, and a write transaction would
// make each wait for the writer (another node's too, failing past the busy timeout) or fail on a full disk.
const BEHIND = `SELECT 1 FROM search_progress
  WHERE indexed_up_to < (SELECT coalesce(max(id), 0) FROM messages)`

export function createSearchIndexer(db: Db, onError: (err: unknown) => void = () => {}) {
  let running: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  /** Indexes chunk after chunk up to the last message of when it started; one at a time. */
  async function run(): Promise<void> {
    if ((await db.$client.execute(BEHIND)).rows.length === 0) return
    for (;;) {
      const [, progress] = await db.$client.batch(CATCH_UP, "write")
      const row = progress!.rows[0]
      if (!row || Number(row.indexed_up_to) >= Number(row.last_id)) return
      // A long backlog (a restored database) goes a chunk per turn, not in one stall.
      await new Promise((resolve) => setImmediate(resolve))
      // A stop ends it between chunks, not after the whole backlog (minutes of it, past the shutdown
      // deadline, the database closed under it): the progress is stored, the next start takes the rest.
      if (stopped) return
    }
  }

  /** Resolves once every message committed before the call is in the index. */
  async function catchUp(): Promise<void> {
    // This run takes what the scheduled one would have.
    clearTimeout(timer)
    timer = undefined
    // A run already under way may have read the last id before the caller's commit: run once more.
    while (running) await running.catch(() => {})
    running = run().finally(() => {
      running = undefined
    })
    return running
  }

  return {
    catchUp,
    /** After a commit: index soon, with whatever else is committed by then. */
    soon(): void {
      if (timer || stopped) return
      timer = setTimeout(() => {
        timer = undefined
        catchUp().catch(onError)
      }, INDEX_DELAY_MS)
      timer.unref?.()
    },
    /** No more scheduled runs (shutdown); a run under way ends after its current chunk. */
    async stop(): Promise<void> {
      stopped = true
      clearTimeout(timer)
      timer = undefined
      await running?.catch(() => {})
    },
  }
}

export type SearchIndexer = ReturnType<typeof createSearchIndexer>
