/**
 * The WAL checkpointer's thread (ops/walCheckpoint.ts): a connection of its own to the database file,
 * a PASSIVE checkpoint every `everyMs` after a write. Its fsyncs and page copies wait here, not on the
 * event loop that serves the sockets.
 */
import { createClient } from "@libsql/client"
import type { CheckpointerMessage, CheckpointerOrder } from "./checkpointMessages.ts"

declare const self: Worker

let client: ReturnType<typeof createClient> | undefined
let timer: ReturnType<typeof setInterval> | undefined
let dirty = false
let running = false

const tell = (message: CheckpointerMessage) => self.postMessage(message)

async function checkpoint(): Promise<void> {
  if (!dirty || running || !client) return
  dirty = false
  running = true
  const started = performance.now()
  try {
    // PASSIVE never waits for the server's connection: it copies what no reader still needs.
    const row = (await client.execute("PRAGMA wal_checkpoint(PASSIVE)")).rows[0]
    // Another connection's checkpoint under way (another node's, on a shared file): the row says
    // busy and -1 frames; this one is tried again the next period.
    if (Number(row?.busy ?? 0) !== 0) {
      dirty = true
      return
    }
    tell({
      type: "checkpointed",
      log: Number(row?.log ?? 0),
      checkpointed: Number(row?.checkpointed ?? 0),
      seconds: (performance.now() - started) / 1000,
    })
  } catch (err) {
    // Busy or closed: the next write asks again.
    tell({ type: "failed", message: String((err as Error)?.message ?? err) })
  } finally {
    running = false
  }
}

self.onmessage = (event: MessageEvent<CheckpointerOrder>) => {
  const order = event.data
  if (order.type === "open") {
    client = createClient({ url: order.url })
    timer = setInterval(checkpoint, order.everyMs)
    tell({ type: "ready" })
  } else if (order.type === "wrote") {
    dirty = true
  } else if (order.type === "close") {
    clearInterval(timer)
    client?.close()
    client = undefined
    tell({ type: "closed" })
  }
}
