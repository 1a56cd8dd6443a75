/**
 * The conversation sequence: every stored event takes the next `seq` of its conversation inside
 * the transaction that stores it, so two writers (two nodes on one database) never give out the
 * same number and a crash leaves no hole. Messages carry their own seq (messages.seq); every other
 * sequenced event is a row of conversation_events holding its live payload.
 */
import type { InStatement } from "@libsql/client"

/** The sequenced events that are not messages, by their live event name. */
export type StoredEventType =
  | "participant_added"
  | "participant_removed"
  | "role_changed"
  | "conversation_updated"

/**
 * A conversation named by id, or the one created earlier in the same transaction (its id is not
 * known until the transaction commits; AUTOINCREMENT makes it the largest).
 */
export type ConversationKey = number | "created"
const idSql = (key: ConversationKey) =>
  key === "created" ? { sql: "(SELECT max(id) FROM conversations)", args: [] } : { sql: "?", args: [key] }

/**
 * The statements that give one event the next seq and store it; the second returns `seq`.
 * `data` is the live payload without `conversationId` and `seq`, which reading puts back.
 */
export function storeEvent(key: ConversationKey, type: StoredEventType, data: object): InStatement[] {
  const id = idSql(key)
  return [
    { sql: `UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ${id.sql}`, args: id.args },
    {
      sql: `INSERT INTO conversation_events (conversation_id, seq, type, data, created_at)
            SELECT id, last_seq, ?, ?, ? FROM conversations WHERE id = ${id.sql} RETURNING seq`,
      args: [type, JSON.stringify(data), Date.now(), ...id.args],
    },
  ]
}

/** The seq a `storeEvent` pair returned, from its second result. */
export const storedSeq = (result: { rows: ArrayLike<unknown>[] } | undefined): number =>
  Number((result?.rows[0] as ArrayLike<unknown> | undefined)?.[0])

/** The conversation's current last seq, inside a transaction (for pointers set with a change). */
export const lastSeqSql = (conversationId: number) => ({
  sql: "(SELECT last_seq FROM conversations WHERE id = ?)",
  args: [conversationId],
})
