/**
 * A user's data as one JSON document: their account, the conversations they took part in, and
 * every message they sent. Streamed: written a page at a time as the client reads, so an account
 * with a hundred thousand messages costs a page of memory, not the whole document.
 */
import type { Db } from "../../db.ts"
import { ATTACHMENTS, parseAttachments } from "../messageRows.ts"
import { toOwnUser, type UserRow } from "../userService.ts"

const CONVERSATION_PAGE = 100
const MESSAGE_PAGE = 1000

type Row = Record<string, unknown>
const iso = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString())

/** The export over one database. */
export function createDataExport(db: Db) {
  const query = async (sql: string, args: (string | number)[]) =>
    (await db.$client.execute({ sql, args })).rows as unknown as Row[]

  /** The conversations, each with its current participants, a page at a time. */
  async function* conversations(userId: number): AsyncGenerator<string> {
    for (let after = 0, first = true; ; ) {
      const rows = await query(
        `SELECT c.id, c.type, c.title, c.created_at, c.archived_at, p.role, p.joined_at, p.left_at, p.blocked_at
         FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id
         WHERE p.user_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`,
        [userId, after, CONVERSATION_PAGE],
      )
      if (rows.length === 0) return
      const ids = rows.map((r) => Number(r.id))
      const people = await query(
        `SELECT p.conversation_id, u.id, u.display_name FROM conversation_participants p
         JOIN users u ON u.id = p.user_id
         WHERE p.conversation_id IN (${ids.map(() => "?").join(", ")}) AND p.left_at IS NULL ORDER BY u.id`,
        ids,
      )
      const items = rows.map((r) =>
        JSON.stringify({
          id: Number(r.id),
          type: r.type,
          title: r.title,
          createdAt: iso(r.created_at),
          archivedAt: iso(r.archived_at),
          role: r.role,
          joinedAt: iso(r.joined_at),
          leftAt: iso(r.left_at),
          blocked: r.blocked_at !== null,
          participants: people
            .filter((p) => Number(p.conversation_id) === Number(r.id))
            .map((p) => ({ id: Number(p.id), displayName: p.display_name })),
        }),
      )
      yield `${first ? "" : ","}${items.join(",")}`
      first = false
      after = ids.at(-1)!
    }
  }

  /**
   * The messages the user sent, in id order. Each page resumes after the last id on the primary
   * key, so the pages together read the table once.
   */
  async function* messages(userId: number): AsyncGenerator<string> {
    for (let after = 0, first = true; ; ) {
      const rows = await query(
        `SELECT id, conversation_id, seq, text, audio_url, reply_to_message_id, client_message_id, created_at,
           ${ATTACHMENTS} AS attachments
         FROM messages m WHERE sender_id = ? AND id > ? ORDER BY id LIMIT ?`,
        [userId, after, MESSAGE_PAGE],
      )
      if (rows.length === 0) return
      const items = rows.map((r) =>
        JSON.stringify({
          id: Number(r.id),
          conversationId: Number(r.conversation_id),
          seq: Number(r.seq),
          text: r.text,
          audioUrl: r.audio_url,
          replyToMessageId: r.reply_to_message_id === null ? null : Number(r.reply_to_message_id),
          clientMessageId: r.client_message_id,
          createdAt: iso(r.created_at),
          attachments: parseAttachments(r.attachments),
        }),
      )
      yield `${first ? "" : ","}${items.join(",")}`
      first = false
      after = Number(rows.at(-1)!.id)
    }
  }

  async function* document(user: UserRow): AsyncGenerator<string> {
    const account = { ...toOwnUser(user), createdAt: user.createdAt.toISOString() }
    yield `{"exportedAt":${JSON.stringify(new Date().toISOString())},"account":${JSON.stringify(account)},"conversations":[`
    yield* conversations(user.id)
    yield `],"messages":[`
    yield* messages(user.id)
    yield "]}\n"
  }

  return {
    /** The document as a byte stream that reads the next page only when the client wants more. */
    stream(user: UserRow): ReadableStream<Uint8Array> {
      const chunks = document(user)
      const encoder = new TextEncoder()
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await chunks.next()
          if (done) controller.close()
          else controller.enqueue(encoder.encode(value))
        },
        async cancel() {
          await chunks.return(undefined)
        },
      })
    },
  }
}

export type DataExport = ReturnType<typeof createDataExport>
