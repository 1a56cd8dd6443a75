/**
 * The statements of one group-commit batch, in one transaction: the UPDATE that reserves each
 * conversation's seq numbers, the multi-row INSERT that stores every row with its own (reading the
 * new last_seq back), the sender pointers, the reply previews, and the attachments' links.
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

/**
 * The UPDATE that reserves each conversation's numbers, the INSERT that stores the rows, and the
 * UPDATE that moves each sender's read and delivered pointers to their own last message: one has
 * read what one answers, and unread counts then only ever walk other people's messages; and the
 * previews of the messages they reply to, read in the same transaction (one SELECT per batch).
 */
export function batchStatements(rows: NewMessage[]) {
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
  const replied = [...new Set(rows.flatMap((r) => (r.replyToMessageId === null ? [] : [r.replyToMessageId])))]
  const pointers = senderPointers(rows, perConversation)
  const statements: InStatement[] = [reserve, insert, pointers]
  if (replied.length > 0) statements.push(replyPreviewsStatement(replied))
  // Last, so the previews keep their place; it returns no rows.
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
  const seq = `((SELECT last_seq FROM conversations WHERE id = conversation_id) - CASE ${senders
    .map(() => "WHEN conversation_id = ? AND user_id = ? THEN ?")
    .join(" ")} END)`
  return {
    sql: `UPDATE conversation_participants SET read_seq = max(read_seq, ${seq}), delivered_seq = max(delivered_seq, ${seq})
          WHERE (conversation_id, user_id) IN (VALUES ${senders.map(() => "(?, ?)").join(", ")})`,
    args: [
      ...senders.flatMap((x) => [x.conversationId, x.senderId, x.later]),
      ...senders.flatMap((x) => [x.conversationId, x.senderId, x.later]),
      ...senders.flatMap((x) => [x.conversationId, x.senderId]),
    ],
  }
}
