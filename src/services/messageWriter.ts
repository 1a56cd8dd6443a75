/**
 * Group commit: sends that arrive while a write is in flight are inserted together in one
 * transaction, then published and resolved in seq order. One transaction per message would cap
 * throughput at the disk's sync rate; and one multi-row INSERT per batch, built here rather than
 * through the query builder, costs about 6 µs a row where a builder insert costs about 60 µs.
 *
 * The batch's transaction takes each conversation's next seq numbers (one UPDATE) and stores every
 * row with its own (the INSERT reads the new last_seq back), so the numbers come from the database,
 * never from this process's memory.
 */
import { getTableName } from "drizzle-orm"
import { messages } from "../../db/schema.ts"
import type { Message, PublicUser, ReplyPreview } from "../contract.ts"
import type { Db } from "../db.ts"
import { replyPreviewsStatement, toMessage, toReplyPreview } from "./messageRows.ts"

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

export const isConstraintError = (err: unknown) =>
  String((err as { code?: unknown })?.code ?? "").startsWith("SQLITE_CONSTRAINT")

export interface NewMessage {
  conversationId: number
  sender: PublicUser
  text: string | null
  audioUrl: string | null
  replyToMessageId: number | null
  clientMessageId: string | null
  createdAt: Date
}

/**
 * The UPDATE that reserves each conversation's numbers, the INSERT that stores the rows, and the
 * UPDATE that moves each sender's read and delivered pointers to their own last message: one has
 * read what one answers, and unread counts then only ever walk other people's messages; and the
 * previews of the messages they reply to, read in the same transaction (one SELECT per batch).
 */
function batchStatements(rows: NewMessage[]) {
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
  return replied.length > 0
    ? [reserve, insert, pointers, replyPreviewsStatement(replied)]
    : [reserve, insert, pointers]
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

interface Pending {
  row: NewMessage
  resolve(message: Message): void
  reject(err: unknown): void
}

const MAX_BATCH = 512

/**
 * Queues inserts and commits them in batches; `publish` hears every committed batch's messages
 * in seq order, synchronously after the commit, before `write` resolves with the stored message.
 */
export function createMessageWriter(db: Db, publish: (messages: Message[]) => void) {
  let queue: Pending[] = []
  let running: Promise<void> | undefined
  const client = db.$client

  async function commit(batch: Pending[]): Promise<void> {
    let rows: unknown[][]
    let previews: Map<number, ReplyPreview>
    try {
      const results = await client.batch(batchStatements(batch.map((p) => p.row)), "write")
      rows = results[1]!.rows as unknown as unknown[][]
      previews = new Map((results[3]?.rows ?? []).map((r) => [Number(r.reply_id), toReplyPreview(r)!]))
    } catch (batchError) {
      // A constraint failure rolled the whole batch back: one bad row (a retried clientMessageId,
      // say) must not fail its neighbours, so retry each on its own. Any other failure (a lost
      // connection to a libSQL server) may have committed, and a retry could store the batch
      // twice: refuse it instead.
      if (batch.length === 1 || !isConstraintError(batchError)) {
        for (const p of batch) p.reject(batchError)
        return
      }
      for (const p of batch) await commit([p])
      return
    }
    // Committed: from here nothing may be retried. RETURNING promises no order, but the rows of one
    // INSERT ... VALUES take consecutive ids in VALUES order (AUTOINCREMENT, one writer), so sorted
    // ids line up with the batch.
    const stored = rows.map((r) => ({ id: Number(r[0]), seq: Number(r[1]) })).sort((a, b) => a.id - b.id)
    const committed = batch.map((p, i) => {
      const { replyToMessageId } = p.row
      const replyTo = replyToMessageId === null ? null : (previews.get(replyToMessageId) ?? null)
      const fresh = { editedAt: null, deletedAt: null, deletedBy: null, reactions: [], replyTo }
      return toMessage({ ...p.row, ...stored[i]!, ...fresh }, p.row.sender)
    })
    publish(committed)
    for (const [i, p] of batch.entries()) p.resolve(committed[i]!)
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH)
      queue = queue.slice(batch.length)
      await commit(batch)
    }
    running = undefined
  }

  return {
    write(row: NewMessage): Promise<Message> {
      return new Promise<Message>((resolve, reject) => {
        queue.push({ row, resolve, reject })
        // Starting on the next turn lets every send already received join this batch.
        running ??= new Promise<void>((r) => setImmediate(r)).then(drain)
      })
    },
    /** Resolves once everything queued so far is committed (or failed). */
    async flush(): Promise<void> {
      while (running) await running
    },
  }
}

export type MessageWriter = ReturnType<typeof createMessageWriter>
