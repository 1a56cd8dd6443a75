/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses `wal_autocheckpoint`: its page copies and fsyncs held the event loop 20-30 ms in the middle
 * of a busy moment (measured under the fan-out at 1,000 clients). Here a thread of its own
 * (checkpointWorker.ts), with its own connection, runs a PASSIVE checkpoint a short while after each
 * write; the automatic one stays only as a bound should that thread fall behind (db.ts).
 */
import type { CheckpointerMessage, CheckpointerOrder } from "./checkpointMessages.ts"

export interface CheckpointResult {
  /** Frames in the log, and frames copied back into the database file. */
  log: number
  checkpointed: number
}

export interface CheckpointerOptions {
  /** How long after a write the next checkpoint runs, at most once per period. */
  everyMs?: number
  /** Hears each checkpoint's duration and the log's size then. */
  observe?: (seconds: number, result: CheckpointResult) => void
  /** Hears a checkpoint that failed, or the thread's own failure. */
  onError?: (message: string) => void
}

/**
 * The thread's module. scripts/build.ts makes it an entry of the executable beside src/index.ts; in
 * there every module's URL is the executable's own, at the root of the entries' folder (src/).
 */
function workerEntry(): URL {
  const compiled = import.meta.url.startsWith("file:///$bunfs/")
  return new URL(compiled ? "./ops/checkpointWorker.ts" : "./checkpointWorker.ts", import.meta.url)
}

/** Starts the checkpointer thread on the local database `url` (`file:`). */
export function startCheckpointer(url: string, options: CheckpointerOptions = {}) {
  const { everyMs = 200, observe = () => {}, onError = () => {} } = options
  const worker = new Worker(workerEntry()) as Worker & Pick<Bun.Worker, "unref">
  const order = (message: CheckpointerOrder) => worker.postMessage(message)
  let runs = 0
  let last: CheckpointResult | undefined
  let closed: (() => void) | undefined
  let stopping: Promise<void> | undefined
  // Pending orders keep a worker's process alive; the server's own lifetime decides.
  worker.unref()
  worker.onmessage = (event: MessageEvent<CheckpointerMessage>) => {
    const message = event.data
    if (message.type === "checkpointed") {
      runs++
      last = { log: message.log, checkpointed: message.checkpointed }
      observe(message.seconds, last)
    } else if (message.type === "failed") onError(message.message)
    else if (message.type === "closed") closed?.()
  }
  worker.onerror = (event) => onError(`checkpointer thread: ${event.message}`)
  order({ type: "open", url, everyMs })

  return {
    /** Tells it a write committed. */
    wrote(): void {
      if (!stopping) order({ type: "wrote" })
    },
    /** Checkpoints run so far, and what the last one did. */
    get stats(): { runs: number; last: CheckpointResult | undefined } {
      return { runs, last }
    },
    /** Closes its connection and ends the thread (at the latest after a second). */
    stop(): Promise<void> {
      stopping ??= new Promise<void>((resolve) => {
        const end = () => {
          clearTimeout(deadline)
          worker.terminate()
          resolve()
        }
        const deadline = setTimeout(end, 1000)
        closed = end
        order({ type: "close" })
      })
      return stopping
    },
  }
}

export type Checkpointer = ReturnType<typeof startCheckpointer>
