/**
 * Group commit: sends that arrive while a write is in flight are inserted together in one
 * transaction, then published and resolved in seq order. One transaction per message would cap
 * throughput at the disk's sync rate; and one multi-row INSERT per batch, built here rather than
 * through the query builder, costs about 6 µs a row where a builder insert costs about 60 µs.
 *
 * The batch's statements (messageBatch.ts) take each conversation's next seq numbers in its
 * transaction, so the numbers come from the database, never from this process's memory.
 */
import type { Message, ReplyPreview } from "../contract.ts"
import type { Db } from "../db.ts"
import { batchStatements, type NewMessage } from "./messageBatch.ts"
import { toMessage, toReplyPreview } from "./messageRows.ts"

export const isConstraintError = (err: unknown) =>
  String((err as { code?: unknown })?.code ?? "").startsWith("SQLITE_CONSTRAINT")

interface Pending {
  row: NewMessage
  resolve(message: Message): void
  reject(err: unknown): void
}

const MAX_BATCH = 512
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Queues inserts and commits them in batches; `publish` hears every committed batch's messages
 * in seq order after the commit; `write` resolves with the stored message once `publish` has called
 * `sent` with its index, or at the latest once `publish` is done.
 */
export function createMessageWriter(
  db: Db,
  publish: (messages: Message[], sent: (index: number) => void) => Promise<void> | void,
) {
  let queue: Pending[] = []
  let running: Promise<void> | undefined
  const client = db.$client

  async function commit(batch: Pending[]): Promise<void> {
    let rows: unknown[][]
    let previews: Map<number, ReplyPreview>
    try {
      const plan = batchStatements(batch.map((p) => p.row))
      const results = await client.batch(plan.statements, "write")
      rows = plan.inserts.flatMap((i) => results[i]!.rows as unknown as unknown[][])
      const replied = plan.previews === undefined ? [] : results[plan.previews]!.rows
      previews = new Map(replied.map((r) => [Number(r.reply_id), toReplyPreview(r)!]))
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
    // Committed: from here nothing may be retried. RETURNING promises no order, but the rows of the
    // INSERTs take consecutive ids in VALUES order (AUTOINCREMENT, one writer), so sorted ids line up
    // with the batch.
    const stored = rows.map((r) => ({ id: Number(r[0]), seq: Number(r[1]) })).sort((a, b) => a.id - b.id)
    const committed = batch.map((p, i) => {
      const { replyToMessageId } = p.row
      const replyTo = replyToMessageId === null ? null : (previews.get(replyToMessageId) ?? null)
      const fresh = { editedAt: null, deletedAt: null, deletedBy: null, reactions: [], replyTo }
      return toMessage({ ...p.row, ...stored[i]!, ...fresh }, p.row.sender)
    })
    // Each sender hears back as soon as their message has gone out, not once the whole batch has: the
    // acknowledgements of a big batch then go out a slice per turn, with its broadcasts.
    const sent = (i: number) => batch[i]?.resolve(committed[i]!)
    await publish(committed, sent)
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
        running ??= nextTurn().then(drain)
      })
    },
    /** Resolves once everything queued so far is committed (or failed). */
    async flush(): Promise<void> {
      while (running) await running
    },
  }
}

export type MessageWriter = ReturnType<typeof createMessageWriter>
