/**
 * Graceful shutdown: stop taking work, finish what was accepted, tell the clients, close the
 * database, all within a deadline. Nothing acknowledged is lost: an event is either refused
 * (UNAVAILABLE) or answered after its message is committed.
 */
import type { Server } from "bun"
import type { ChatServer } from "../contract.ts"
import type { Database } from "../db.ts"
import type { Logger } from "./logger.ts"

/** How long clients are told to wait before reconnecting, and before sending a refused event again. */
export const RECONNECT_AFTER_MS = 1000

/**
 * How long the server must have heard nothing before it disconnects the sockets. An answer can
 * prompt a client's next send at once; a send still on the wire when the disconnect arrives would get
 * no answer (the client drops its pending acknowledgements on disconnect). A client that honours
 * `retryAfterMs` falls quiet after its UNAVAILABLE; this is long enough for the sends that the last
 * answers prompted (a round trip) to arrive and be refused too.
 */
export const QUIET_BEFORE_DISCONNECT_MS = 300

/** Counts work in flight and, once draining, says that new work must be refused. */
export function createDrain() {
  let active = 0
  let draining = false
  let waiting: (() => void)[] = []
  // Per client (a socket): work in flight, and when work last began or ended.
  const clients = new WeakMap<object, { active: number; at: number }>()

  return {
    /** True once a stop has begun: refuse new requests, sessions and events. */
    get draining() {
      return draining
    },
    /**
     * Marks one piece of work as started, for `client` if given; call the returned function when it
     * is answered.
     */
    begin(client?: object): () => void {
      active++
      const mine = client && (clients.get(client) ?? { active: 0, at: 0 })
      if (client && mine) {
        mine.active++
        mine.at = performance.now()
        clients.set(client, mine)
      }
      let done = false
      return () => {
        if (done) return
        done = true
        if (mine) {
          mine.active--
          mine.at = performance.now()
        }
        if (--active === 0) {
          for (const resolve of waiting) resolve()
          waiting = []
        }
      }
    },
    start(): void {
      draining = true
    },
    /** Resolves once `client` has nothing in flight and nothing began or ended for `ms`. */
    async quiet(client: object, ms: number): Promise<void> {
      for (;;) {
        const mine = clients.get(client)
        const wait = mine ? ms - (performance.now() - mine.at) : 0
        if (wait <= 0 && !mine?.active) return
        await new Promise((resolve) => setTimeout(resolve, Math.max(5, wait)))
      }
    },
    /** Resolves once no work is in flight. */
    idle(): Promise<void> {
      if (active === 0) return Promise.resolve()
      return new Promise((resolve) => {
        waiting.push(resolve)
      })
    },
  }
}

export type Drain = ReturnType<typeof createDrain>

/** True if `promise` settles within `ms` (rejections count as settled), false on the deadline. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms))
  })
  const settled = promise.then(
    () => true,
    () => true,
  )
  try {
    return await Promise.race([settled, late])
  } finally {
    clearTimeout(timer)
  }
}

export interface StopParts {
  server: Server<unknown>
  io: ChatServer
  drain: Drain
  /** Resolves once every accepted message is committed. */
  flush: () => Promise<void>
  /** Detaches the listeners that outlive sockets (bus subscriptions, timers); may finish writes. */
  detach: () => void | Promise<void>
  database: Pick<Database, "close">
  logger: Logger
  timeoutMs: number
}

/** Runs the shutdown sequence; resolves true if it completed before the deadline. */
export async function gracefulStop(p: StopParts): Promise<boolean> {
  const started = Date.now()
  const left = () => p.timeoutMs - (Date.now() - started)
  p.drain.start()
  // No new connections; the open ones stay up until the end so acknowledgements still get out.
  p.server.stop(false).catch(() => {})
  // Tell clients first, so they stop sending and can pick another server: this node's clients only
  // (through the cluster adapter, io.emit and io.disconnectSockets reach every node's).
  p.io.local.emit("server_shutdown", { reconnectAfterMs: RECONNECT_AFTER_MS })

  const answered = await within(p.drain.idle(), left())
  const committed = await within(p.flush(), left())
  // Each socket once it is quiet, not while its next send may be on the wire: that one would be
  // cut off unanswered. Whatever is still busy at the deadline is cut all the same.
  const sockets = [...p.io.of("/").sockets.values()]
  const quiet = sockets.map(async (s) => {
    await p.drain.quiet(s, QUIET_BEFORE_DISCONNECT_MS)
    s.disconnect(true)
  })
  await within(Promise.all(quiet), left())
  p.io.local.disconnectSockets(true)
  await within(Promise.resolve(p.detach()), Math.max(left(), 100))
  // Remaining HTTP keep-alive connections are closed; this resolves quickly once the sockets are gone.
  await within(p.server.stop(true), Math.max(left(), 100))
  p.database.close()

  const clean = answered && committed
  const ms = Date.now() - started
  if (clean) p.logger.info({ event: "shutdown", outcome: "ok", ms }, "stopped")
  else
    p.logger.warn(
      { event: "shutdown", outcome: "timeout", ms, answered, committed },
      `stopped after SHUTDOWN_TIMEOUT_MS (${p.timeoutMs} ms) with work unfinished`,
    )
  return clean
}

/**
 * Stops on SIGTERM or SIGINT and exits 0 (1 if the deadline cut the stop short); a second signal,
 * or a stop that hangs past the deadline, exits at once.
 */
export function exitOnSignals(stop: () => Promise<boolean>, logger: Logger, timeoutMs: number): void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ event: "shutdown", signal }, "second signal: exiting now")
      process.exit(1)
    }
    stopping = true
    logger.info({ event: "shutdown", signal }, `${signal} received: stopping`)
    setTimeout(() => {
      logger.error({ event: "shutdown", outcome: "hung" }, "stop did not finish: exiting")
      process.exit(1)
    }, timeoutMs + 2000).unref()
    stop().then(
      (clean) => process.exit(clean ? 0 : 1),
      (err) => {
        logger.error({ event: "shutdown", err }, "stop failed")
        process.exit(1)
      },
    )
  }
  process.on("SIGTERM", onSignal)
  process.on("SIGINT", onSignal)
}
