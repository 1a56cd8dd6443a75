/**
 * Replay: the stored events of one conversation after a seq, each `{seq, type, data}` with `data`
 * the live payload. Messages and edits are read as they stand now, for the viewer.
 */
import type { StoredEvent } from "../contract.ts"
import type { Db } from "../db.ts"
import { messagesByIds } from "./messageRows.ts"
import { MESSAGE_CHANGES } from "./storedEvents.ts"

// Messages carry their own seq; every other event is a conversation_events row. Each arm is read
// in order on its (conversation_id, seq) index and cut at the page size before the two are merged:
// without the inner limits SQLite would sort every later event of the conversation first. Like
// new_message, an edit is replayed with the message as it stands now (`ref`). The edits and
// reactions of a message deleted since are left out: their content is erased, and its
// message_deleted, later in the sequence, says what remains.
const EVENTS_AFTER = `
  SELECT * FROM (SELECT seq, 'new_message' AS type, id AS ref, NULL AS data FROM messages
   WHERE conversation_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?)
  UNION ALL
  SELECT * FROM (SELECT e.seq, e.type, CASE WHEN e.type = 'message_edited' THEN e.message_id END AS ref,
      e.data FROM conversation_events e
   WHERE e.conversation_id = ? AND e.seq > ? AND e.seq <= ?
     AND NOT (e.type IN (${MESSAGE_CHANGES.map((t) => `'${t}'`).join(", ")}) AND EXISTS (
       SELECT 1 FROM messages d WHERE d.id = e.message_id AND d.deleted_at IS NOT NULL))
   ORDER BY e.seq LIMIT ?)
  ORDER BY seq LIMIT ?`

/** Up to `limit` events after `after`, never past `upTo`, as `userId` sees them; and whether more follow. */
export async function eventsAfter(
  db: Db,
  userId: number,
  conversationId: number,
  after: number,
  upTo: number,
  limit: number,
) {
  const { rows } = await db.$client.execute({
    sql: EVENTS_AFTER,
    args: [conversationId, after, upTo, limit + 1, conversationId, after, upTo, limit + 1, limit + 1],
  })
  const page = rows.slice(0, limit)
  const refs = page.flatMap((r) => (r.ref === null ? [] : [Number(r.ref)]))
  const byId = new Map((await messagesByIds(db, refs, userId)).map((m) => [m.id, m]))
  const events: StoredEvent[] = page.map((r) => {
    const seq = Number(r.seq)
    const data =
      r.ref === null
        ? { ...(JSON.parse(String(r.data)) as object), conversationId, seq }
        : { conversationId, seq, message: byId.get(Number(r.ref)) }
    return { seq, type: String(r.type) as StoredEvent["type"], data }
  })
  return { events, hasMore: rows.length > limit }
}
