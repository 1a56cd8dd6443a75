/**
 * Reading messages in the one shape every path (socket, HTTP, history, sync, search) shares: with
 * their sender, the preview of the message they reply to (a LEFT JOIN, so no query per message) and
 * their reactions as the viewer sees them. Raw SQL built once: the same statement runs on its own
 * or inside a write transaction (an edit reads back what it committed).
 */
import type { InStatement, Row } from "@libsql/client"
import type { Attachment, Message, PublicUser, ReactionSummary, ReplyPreview } from "../contract.ts"
import type { Db } from "../db.ts"
import { HIDDEN_EMAIL } from "./userService.ts"

// The first `?` is the viewer, for `me`; rowid order is the order the emojis first appeared.
const REACTIONS = `(SELECT json_group_array(json_array(emoji, n, mine)) FROM (
    SELECT emoji, count(*) AS n, max(user_id = ?) AS mine FROM message_reactions
     WHERE message_id = m.id GROUP BY emoji ORDER BY min(rowid)))`

/** The files of message `m`, in order, as JSON (the link rows are on the (message_id, position) key). */
export const ATTACHMENTS = `(SELECT json_group_array(json_array(id, name, mime, size, duration_ms)) FROM (
    SELECT up.id, up.name, up.mime, up.size, up.duration_ms FROM message_attachments a
      JOIN uploads up ON up.id = a.upload_id WHERE a.message_id = m.id ORDER BY a.position))`

const PREVIEW_COLUMNS = `t.id AS reply_id, t.sender_id AS reply_sender_id, tu.display_name AS reply_sender_name,
  substr(t.text, 1, 100) AS reply_excerpt, t.audio_url IS NOT NULL AS reply_audio,
  t.deleted_at IS NOT NULL AS reply_deleted`

const SELECT = `SELECT m.id, m.conversation_id, m.seq, m.text, m.audio_url, m.reply_to_message_id,
  m.client_message_id, m.created_at, m.edited_at, m.deleted_at, m.deleted_by,
  u.id AS sender_id, u.display_name AS sender_name,
  ${PREVIEW_COLUMNS}, ${REACTIONS} AS reactions, ${ATTACHMENTS} AS attachments
  FROM messages m
  JOIN users u ON u.id = m.sender_id
  LEFT JOIN messages t ON t.id = m.reply_to_message_id
  LEFT JOIN users tu ON tu.id = t.sender_id`

/** The stored fields of a message, as a writer or a query holds them. */
export interface MessageFields {
  id: number
  conversationId: number
  seq: number
  text: string | null
  audioUrl: string | null
  replyToMessageId: number | null
  clientMessageId: string | null
  createdAt: Date
  editedAt: Date | null
  deletedAt: Date | null
  deletedBy: number | null
  reactions: ReactionSummary[]
  replyTo: ReplyPreview | null
  attachments: Attachment[]
}

/** The public shape of a message: the only place it is built. */
export const toMessage = (m: MessageFields, sender: PublicUser): Message => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  text: m.text,
  audioUrl: m.audioUrl,
  replyToMessageId: m.replyToMessageId,
  clientMessageId: m.clientMessageId,
  sender: { id: sender.id, email: sender.email, displayName: sender.displayName },
  createdAt: m.createdAt.toISOString(),
  editedAt: m.editedAt?.toISOString() ?? null,
  deletedAt: m.deletedAt?.toISOString() ?? null,
  deletedBy: m.deletedBy,
  reactions: m.reactions,
  replyTo: m.replyTo,
  attachments: m.attachments,
})

/** Where an upload is downloaded from. */
export const uploadUrl = (id: string) => `/api/uploads/${id}`

/** An attachment from its upload's stored fields. */
export const toAttachment = (
  id: string,
  name: string,
  mime: string,
  size: number,
  durationMs: number | null,
): Attachment => ({ id, name, mime, size, url: uploadUrl(id), durationMs })

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)))
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

/** A reply preview from the `reply_*` columns, or null when the row replies to nothing. */
export const toReplyPreview = (r: Row): ReplyPreview | null =>
  r.reply_id === null
    ? null
    : {
        id: Number(r.reply_id),
        sender: { id: Number(r.reply_sender_id), displayName: str(r.reply_sender_name) },
        excerpt: str(r.reply_excerpt),
        hasAudio: Boolean(r.reply_audio),
        deleted: Boolean(r.reply_deleted),
      }

/** The attachments from the ATTACHMENTS column. */
export const parseAttachments = (json: unknown): Attachment[] =>
  (JSON.parse(String(json ?? "[]")) as [string, string, string, number, number | null][]).map((a) =>
    toAttachment(...a),
  )

/** A message from one row of the shared SELECT. */
export function fromRow(r: Row): Message {
  const reactions = (JSON.parse(String(r.reactions ?? "[]")) as [string, number, number][]).map(
    ([emoji, count, mine]) => ({ emoji, count, me: mine === 1 }),
  )
  const attachments = parseAttachments(r.attachments)
  const fields: MessageFields = {
    id: Number(r.id),
    conversationId: Number(r.conversation_id),
    seq: Number(r.seq),
    text: str(r.text),
    audioUrl: str(r.audio_url),
    replyToMessageId: num(r.reply_to_message_id),
    clientMessageId: str(r.client_message_id),
    createdAt: date(r.created_at)!,
    editedAt: date(r.edited_at),
    deletedAt: date(r.deleted_at),
    deletedBy: num(r.deleted_by),
    reactions,
    replyTo: toReplyPreview(r),
    attachments,
  }
  // Every reader sees the sender's email hidden (userService.ts): the sender's own copy comes from the send.
  const sender = { id: Number(r.sender_id), email: HIDDEN_EMAIL, displayName: str(r.sender_name) }
  return toMessage(fields, sender)
}

/** The previews of the messages with these ids (for replies just written), one statement. */
export const replyPreviewsStatement = (ids: number[]): InStatement => ({
  sql: `SELECT ${PREVIEW_COLUMNS} FROM messages t JOIN users tu ON tu.id = t.sender_id
         WHERE t.id IN (${ids.map(() => "?").join(", ")})`,
  args: ids,
})

/** One message as `viewerId` sees it (0: nobody's `me`), as a statement for a transaction. */
export const selectMessage = (id: number, viewerId: number): InStatement => ({
  sql: `${SELECT} WHERE m.id = ?`,
  args: [viewerId, id],
})

const read = async (db: Db, statement: InStatement) => (await db.$client.execute(statement)).rows.map(fromRow)

/** The messages with these ids as `viewerId` sees them, newest first. */
export async function messagesByIds(db: Db, ids: number[], viewerId: number): Promise<Message[]> {
  if (ids.length === 0) return []
  const where = `WHERE m.id IN (${ids.map(() => "?").join(", ")}) ORDER BY m.id DESC`
  return read(db, { sql: `${SELECT} ${where}`, args: [viewerId, ...ids] })
}

/** The message a sender stored under their own `clientMessageId`, if any. */
export async function messageByClientId(
  db: Db,
  senderId: number,
  clientMessageId: string,
): Promise<Message | undefined> {
  const sql = `${SELECT} WHERE m.sender_id = ? AND m.client_message_id = ?`
  return (await read(db, { sql, args: [senderId, senderId, clientMessageId] }))[0]
}

const NEWEST = `${SELECT} WHERE m.conversation_id = ? ORDER BY m.seq DESC LIMIT ?`
// Ids and seqs rise together within a conversation, so "ids below the given one" are the seqs below
// a bound: that of the given message when it is one of the conversation's (a client passes the oldest
// it holds, found by its rowid), otherwise the smallest seq whose first message from there on has an id
// at or above it (none: +inf), found by halving the seqs of the conversation, a dozen or two seeks on
// the (conversation_id, seq) index. Walking the rowids from the given id to the conversation's next
// message instead reads the whole table for an id past its last one. ?1 is SELECT's viewer.
const AT_OR_ABOVE = `coalesce((SELECT id >= ?3 FROM messages
    WHERE conversation_id = ?2 AND seq >= (lo + hi) / 2 ORDER BY seq LIMIT 1), 1)`
const BEFORE = `WITH RECURSIVE bound(lo, hi) AS (
    SELECT -1, coalesce((SELECT max(seq) FROM messages WHERE conversation_id = ?2), 0) + 1
    UNION ALL
    SELECT CASE WHEN ${AT_OR_ABOVE} THEN lo ELSE (lo + hi) / 2 END,
           CASE WHEN ${AT_OR_ABOVE} THEN (lo + hi) / 2 ELSE hi END
      FROM bound WHERE hi - lo > 1)
  ${SELECT} WHERE m.conversation_id = ?2 AND m.seq < coalesce(
    (SELECT seq FROM messages WHERE id = ?3 AND conversation_id = ?2), (SELECT min(hi) FROM bound))
  ORDER BY m.seq DESC LIMIT ?4`

/** The two history statements (viewer, conversation[, before], limit), for a test that reads their plans. */
export const HISTORY_SQL = { newest: NEWEST, before: BEFORE }

/**
 * History pages, newest first, on the (conversation_id, seq) index (the one the writer keeps for the
 * sequence: a second index on (conversation_id, id) would cost every insert); SQL written once.
 */
export function historyQueries(db: Db) {
  return (conversationId: number, viewerId: number, limit: number, beforeId?: number): Promise<Message[]> =>
    beforeId === undefined
      ? read(db, { sql: NEWEST, args: [viewerId, conversationId, limit] })
      : read(db, { sql: BEFORE, args: [viewerId, conversationId, beforeId, limit] })
}
