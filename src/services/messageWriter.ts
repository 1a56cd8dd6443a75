/**
 * Group commit: sends that arrive while a write is in flight are inserted together in one
 * transaction, then each is resolved in id order. One transaction per message would cap
 * throughput at the disk's sync rate.
 */
import { messages } from "../../db/schema.ts"
import type { Db } from "../db.ts"

export type NewMessage = typeof messages.$inferInsert & { createdAt: Date }

interface Pending {
  row: NewMessage
  resolve(id: number): void
  reject(err: unknown): void
}

const MAX_BATCH = 512

/** Queues inserts and commits them in batches; `write` resolves with the id once committed. */
export function createMessageWriter(db: Db) {
  let queue: Pending[] = []
  let running: Promise<void> | undefined

  const insert = (row: NewMessage) => db.insert(messages).values(row).returning({ id: messages.id })

  async function commit(batch: Pending[]): Promise<void> {
    try {
      const [first, ...rest] = batch.map((p) => insert(p.row))
      const results = await db.batch([first!, ...rest])
      for (const [i, rows] of results.entries()) batch[i]!.resolve(rows[0]!.id)
    } catch (batchError) {
      if (batch.length === 1) {
        batch[0]!.reject(batchError)
        return
      }
      // One bad row must not fail its neighbours: retry each on its own.
      for (const p of batch) await commit([p])
    }
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
    write(row: NewMessage): Promise<number> {
      return new Promise<number>((resolve, reject) => {
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
