/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses `wal_autocheckpoint`: its page copies and fsyncs held the event loop 20-30 ms in the middle
 * of a busy moment (measured under the fan-out at 1,000 clients). Here a thread of its own
 * (checkpointWorker.ts), with its own connection, runs a PASSIVE checkpoint a short while after each
 * write; the automatic one stays only as a bound should that thread fall behind (db.ts). Should the
 * thread fail to start or die, `onDown` hears it, and the server checkpoints on its own again.
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
  /** Hears failures: the first at once, then at most one report a minute, with how many there were. */
  onError?: (message: string) => void
  /** Hears that the thread is gone for good (it did not start, or it died). */
  onDown?: () => void
  /** How long the thread may take to open its connection before it counts as failed. */
  readyWithinMs?: number
}

const REPORT_EVERY_MS = 60_000

/**
 * The thread's module. scripts/build.ts makes it an entry of the executable beside src/index.ts; in
 * there every module's URL is the executable's own, at the root of the entries' folder (src/).
 */
function workerEntry(): URL {
  const own = Bun.isStandaloneExecutable ? "./ops/checkpointWorker.ts" : "./checkpointWorker.ts"
  return new URL(own, import.meta.url)
}

/** Starts the checkpointer thread on the local database `url` (`file:`). */
export function startCheckpointer(url: string, options: CheckpointerOptions = {}) {
  const { everyMs = 200, observe = () => {}, onError = () => {}, onDown = () => {} } = options
  const worker = new Worker(workerEntry()) as Worker & Pick<Bun.Worker, "unref">
  const order = (message: CheckpointerOrder) => worker.postMessage(message)
  let runs = 0
  let failures = 0
  let last: CheckpointResult | undefined
  let up = false
  let down = false
  let stopping: Promise<void> | undefined
  let closed = () => {}

  // A failure that repeats (a full disk) would otherwise be a line every period.
  let reportedAt = Number.NEGATIVE_INFINITY
  let unreported = 0
  const fail = (message: string) => {
    failures++
    unreported++
    if (performance.now() - reportedAt < REPORT_EVERY_MS) return
    onError(unreported > 1 ? `${message} (${unreported} failures since the last report)` : message)
    reportedAt = performance.now()
    unreported = 0
  }
  const gone = (why: string) => {
    clearTimeout(readyTimer)
    closed()
    if (down || stopping) return
    down = true
    onError(`checkpointer thread: ${why}`)
    onDown()
  }
  const readyTimer = setTimeout(() => {
    if (up) return
    worker.terminate()
    gone(`not started within ${options.readyWithinMs ?? 5000} ms`)
  }, options.readyWithinMs ?? 5000)
  readyTimer.unref?.()

  // Pending orders keep a worker's process alive; the server's own lifetime decides.
  worker.unref()
  worker.onmessage = (event: MessageEvent<CheckpointerMessage>) => {
    const message = event.data
    if (message.type === "ready") {
      up = true
      clearTimeout(readyTimer)
    } else if (message.type === "checkpointed") {
      runs++
      last = { log: message.log, checkpointed: message.checkpointed }
      observe(message.seconds, last)
    } else if (message.type === "failed") fail(message.message)
    else if (message.type === "closed") closed()
  }
  // An error the thread did not catch ends it; "close" follows, and says it is gone.
  worker.onerror = (event) => fail(`checkpointer thread: ${event.message}`)
  worker.addEventListener("close", () => gone("ended"))
  order({ type: "open", url, everyMs })

  return {
    /** Tells it a write committed. */
    wrote(): void {
      if (!stopping && !down) order({ type: "wrote" })
    },
    /** Checkpoints run and failed so far, what the last one did, and whether the thread is down. */
    get stats(): { runs: number; failures: number; last: CheckpointResult | undefined; down: boolean } {
      return { runs, failures, last, down }
    },
    /** Closes its connection and ends the thread (at the latest after a second). */
    stop(): Promise<void> {
      stopping ??= down
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const deadline = setTimeout(() => closed(), 1000)
            closed = () => {
              clearTimeout(deadline)
              closed = () => {}
              worker.terminate()
              resolve()
            }
            order({ type: "close" })
          })
      return stopping
    },
  }
}

export type Checkpointer = ReturnType<typeof startCheckpointer>
