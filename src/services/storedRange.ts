/**
 * What the reorder step of several nodes (sockets/reorder.ts) reads from the database: where a
 * conversation's sequence stands, and the stored events of a gap, as the live broadcasts carried them.
 */
import type { StoredEvent } from "../contract.ts"
import type { Db } from "../db.ts"
import { eventsAfter } from "./replay.ts"

const PAGE = 500

/** Reads over one database. */
export function createStoredRange(db: Db) {
  return {
    /** The conversation's last seq (0 when it has none or does not exist). */
    async lastSeq(conversationId: number): Promise<number> {
      const { rows } = await db.$client.execute({
        sql: "SELECT last_seq FROM conversations WHERE id = ?",
        args: [conversationId],
      })
      return Number(rows[0]?.last_seq ?? 0)
    },
    /** The stored events in (after, upTo], oldest first, as a room hears them (nobody's own reactions). */
    async stored(conversationId: number, after: number, upTo: number): Promise<StoredEvent[]> {
      const all: StoredEvent[] = []
      for (let from = after; from < upTo; ) {
        const { events, hasMore } = await eventsAfter(db, 0, conversationId, from, upTo, PAGE)
        all.push(...events)
        if (!hasMore || events.length === 0) break
        from = events.at(-1)!.seq
      }
      return all
    },
  }
}
