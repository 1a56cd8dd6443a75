/**
 * The statements of one group-commit batch, in one transaction: per chunk of rows, the UPDATE that
 * reserves each conversation's seq numbers, the multi-row INSERT that stores every row with its own
 * (reading the new last_seq back), the sender pointers and the attachments' links; then the reply
 * previews.
 */
import type { InStatement } from "@libsql/client"
import { getTableName } from "drizzle-orm"
import { messages } from "../../db/schema.ts"
import type { Attachment, PublicUser } from "../contract.ts"
import { replyPreviewsStatement } from "./messageRows.ts"

export interface NewMessage {
  conversationId: number
  sender: PublicUser
  text: string | null
  audioUrl: string | null
  replyToMessageId: number | null
  clientMessageId: string | null
  createdAt: Date
  /** Uploads of the sender's, checked before the write. */
  attachments: Attachment[]
}

const COLUMNS = [
  messages.conversationId,
  messages.senderId,
  messages.text,
  messages.audioUrl,
  messages.replyToMessageId,
  messages.clientMessageId,
  messages.createdAt,
  messages.seq,
]
const INSERT = `INSERT INTO "${getTableName(messages)}" (${COLUMNS.map((c) => `"${c.name}"`).join(", ")}) VALUES `
// The seq: the conversation's last_seq after this batch's UPDATE, less the rows of the same
// conversation that come after this one in the batch.
const ROW = `(${COLUMNS.slice(0, -1)
  .map(() => "?")
  .join(", ")}, (SELECT last_seq FROM conversations WHERE id = ?) - ?)`

/** Rows per INSERT: few statement shapes (each prepared once, then reused) and short statements. */
export const CHUNK_ROWS = 32

/** A batch's statements, and where their results are: the INSERTs' RETURNING rows, the previews. */
export interface BatchPlan {
  statements: InStatement[]
  inserts: number[]
  previews: number | undefined
}

/**
 * The batch in chunks of at most CHUNK_ROWS rows, each its UPDATE, INSERT and pointer UPDATE, in
 * order (a chunk reserves its numbers after the one before inserted its rows, so seq follows the
 * batch's order); then the previews of the messages they reply to (one SELECT per batch).
 */
export function batchStatements(rows: NewMessage[]): BatchPlan {
  const statements: InStatement[] = []
  const inserts: number[] = []
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    inserts.push(statements.length + 1)
    statements.push(...chunkStatements(rows.slice(start, start + CHUNK_ROWS)))
  }
  const replied = [...new Set(rows.flatMap((r) => (r.replyToMessageId === null ? [] : [r.replyToMessageId])))]
  if (replied.length === 0) return { statements, inserts, previews: undefined }
  statements.push(replyPreviewsStatement(replied))
  return { statements, inserts, previews: statements.length - 1 }
}

/**
 * The UPDATE that reserves each conversation's numbers, the INSERT that stores the rows, and the
 * UPDATE that moves each sender's read and delivered pointers to their own last message: one has
 * read what one answers, and unread counts then only ever walk other people's messages.
 */
function chunkStatements(rows: NewMessage[]): InStatement[] {
  const perConversation = new Map<number, number>()
  for (const r of rows)
    perConversation.set(r.conversationId, (perConversation.get(r.conversationId) ?? 0) + 1)
  const counts = [...perConversation]
  const reserve = {
    sql: `UPDATE conversations SET last_seq = last_seq + CASE id ${counts.map(() => "WHEN ? THEN ?").join(" ")} END
          WHERE id IN (${counts.map(() => "?").join(", ")})`,
    args: [...counts.flat(), ...counts.map(([id]) => id)],
  }
  const after = new Map(perConversation)
  const insert = {
    sql: `${INSERT}${rows.map(() => ROW).join(", ")} RETURNING "${messages.id.name}", "${messages.seq.name}"`,
    args: rows.flatMap((r) => {
      const later = after.get(r.conversationId)! - 1
      after.set(r.conversationId, later)
      return [
        r.conversationId,
        r.sender.id,
        r.text,
        r.audioUrl,
        r.replyToMessageId,
        r.clientMessageId,
        r.createdAt.getTime(),
        r.conversationId,
        later,
      ]
    }),
  }
  const statements: InStatement[] = [reserve, insert, senderPointers(rows, perConversation)]
  // After the chunk's INSERT (it finds the messages by seq) and before the next chunk's reservation.
  const links = attachmentLinks(rows, perConversation)
  if (links) statements.push(links)
  return statements
}

/** The (message, upload, position) rows, each message found by its seq as the INSERT gave it. */
function attachmentLinks(rows: NewMessage[], perConversation: Map<number, number>): InStatement | undefined {
  const after = new Map(perConversation)
  const args: (string | number)[] = []
  for (const r of rows) {
    const later = after.get(r.conversationId)! - 1
    after.set(r.conversationId, later)
    for (const [position, a] of r.attachments.entries())
      args.push(r.conversationId, r.conversationId, later, a.id, position)
  }
  if (args.length === 0) return undefined
  const row = `((SELECT id FROM messages WHERE conversation_id = ?
    AND seq = (SELECT last_seq FROM conversations WHERE id = ?) - ?), ?, ?)`
  return {
    sql: `INSERT INTO message_attachments (message_id, upload_id, position) VALUES ${Array(args.length / 5)
      .fill(row)
      .join(", ")}`,
    args,
  }
}

/** Each sender's pointers up to their last message of the batch, in one statement. */
function senderPointers(rows: NewMessage[], perConversation: Map<number, number>) {
  // The seq of a sender's last message: last_seq less the rows of its conversation after it.
  const lastOf = new Map<string, { conversationId: number; senderId: number; later: number }>()
  const seen = new Map<number, number>()
  for (const r of rows) {
    const index = seen.get(r.conversationId) ?? 0
    seen.set(r.conversationId, index + 1)
    const later = perConversation.get(r.conversationId)! - 1 - index
    lastOf.set(`${r.conversationId}:${r.sender.id}`, {
      conversationId: r.conversationId,
      senderId: r.sender.id,
      later,
    })
  }
  const senders = [...lastOf.values()]
  // UPDATE ... FROM a VALUES list: one join, where a CASE over every sender per row cost a third more.
  return {
    sql: `UPDATE conversation_participants AS p
             SET read_seq = max(p.read_seq, s.seq), delivered_seq = max(p.delivered_seq, s.seq)
            FROM (SELECT column1 AS c, column2 AS u,
                         (SELECT last_seq FROM conversations WHERE id = column1) - column3 AS seq
                    FROM (VALUES ${senders.map(() => "(?, ?, ?)").join(", ")})) AS s
           WHERE p.conversation_id = s.c AND p.user_id = s.u`,
    args: senders.flatMap((x) => [x.conversationId, x.senderId, x.later]),
  }
}
