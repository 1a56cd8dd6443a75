/**
 * The conversation sequence: every stored event takes the next `seq` of its conversation inside
 * the transaction that stores it, so two writers (two nodes on one database) never give out the
 * same number and a crash leaves no hole. Messages carry their own seq (messages.seq); every other
 * sequenced event is a row of conversation_events holding its live payload.
 */
import type { InStatement, InValue } from "@libsql/client"

/** The sequenced events that are not messages, by their live event name. */
export type StoredEventType =
  | "participant_added"
  | "participant_removed"
  | "role_changed"
  | "conversation_updated"
  | "message_edited"
  | "message_deleted"
  | "reaction_added"
  | "reaction_removed"

/** Events about one message: replay skips the edits and reactions of a message since deleted. */
export const MESSAGE_CHANGES: StoredEventType[] = ["message_edited", "reaction_added", "reaction_removed"]

export interface StoreOptions {
  /** The message the event is about (edits, deletions, reactions). */
  messageId?: number
  /**
   * Store the event only if the statement just before it changed a row (SQLite's `changes()`):
   * a change that found nothing to do (a message deleted meanwhile, a reaction already there)
   * takes no seq, in the same transaction, with no window for a race.
   */
  ifChanged?: boolean
  /** Fields of `data` computed inside the transaction: an SQL expression and its arguments each. */
  computed?: Record<string, { sql: string; args: unknown[] }>
}

/**
 * A conversation named by id, or the one created earlier in the same transaction (its id is not
 * known until the transaction commits; AUTOINCREMENT makes it the largest).
 */
export type ConversationKey = number | "created"
const idSql = (key: ConversationKey) =>
  key === "created" ? { sql: "(SELECT max(id) FROM conversations)", args: [] } : { sql: "?", args: [key] }

/**
 * The statements that give one event the next seq and store it; the second returns `seq` and
 * `data` (no row when `ifChanged` found nothing changed). `data` is the live payload without
 * `conversationId` and `seq`, which reading puts back.
 */
export function storeEvent(
  key: ConversationKey,
  type: StoredEventType,
  data: object,
  { messageId, ifChanged = false, computed = {} }: StoreOptions = {},
): InStatement[] {
  const id = idSql(key)
  // Inside the INSERT, changes() still counts the UPDATE just before it: 1 when it happened.
  const guard = ifChanged ? " AND changes() > 0" : ""
  const fields = Object.entries(computed)
  const json = fields.reduce(
    (expr, [name]) => `json_set(${expr}, '$.${name}', (${computed[name]!.sql}))`,
    "?",
  )
  return [
    { sql: `UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ${id.sql}${guard}`, args: id.args },
    {
      sql: `INSERT INTO conversation_events (conversation_id, seq, type, data, created_at, message_id)
            SELECT id, last_seq, ?, ${json}, ?, ? FROM conversations WHERE id = ${id.sql}${guard}
            RETURNING seq, data`,
      args: [
        type,
        JSON.stringify(data),
        ...fields.flatMap(([, f]) => f.args as InValue[]),
        Date.now(),
        messageId ?? null,
        ...id.args,
      ],
    },
  ]
}

/** The seq a `storeEvent` pair returned, from its second result; NaN if nothing was stored. */
export const storedSeq = (result: { rows: ArrayLike<unknown>[] } | undefined): number =>
  Number((result?.rows[0] as ArrayLike<unknown> | undefined)?.[0])

/** The data a `storeEvent` pair stored (with its computed fields), from its second result. */
export const storedData = <T>(result: { rows: ArrayLike<unknown>[] } | undefined): T =>
  JSON.parse(String((result?.rows[0] as ArrayLike<unknown> | undefined)?.[1])) as T

/** The conversation's current last seq, inside a transaction (for pointers set with a change). */
export const lastSeqSql = (conversationId: number) => ({
  sql: "(SELECT last_seq FROM conversations WHERE id = ?)",
  args: [conversationId],
})
