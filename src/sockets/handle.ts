/**
 * The one wrapper every socket event goes through: validate the payload with its schema, run the
 * action, acknowledge; any failure becomes the `error` event and `{ ok: false, error }`. It also
 * logs and measures each event, and refuses new ones once the server is stopping.
 */
import type { z } from "zod"
import type { AckPayload, ChatSocket } from "../contract.ts"
import { AppError, type ErrorBody, parseInput, toErrorBody } from "../errors.ts"
import type { Logger } from "../ops/logger.ts"
import type { Metrics } from "../ops/metrics.ts"
import { type Drain, RECONNECT_AFTER_MS } from "../ops/shutdown.ts"
import { type ClientEventName, clientEvents } from "../schemas/events.ts"

type Ack = (response: unknown) => void
type UntypedSocket = { on(event: string, listener: (...args: unknown[]) => void): void }

/** What the wrapper needs from the server: where to count events, and whether it is stopping. */
export interface EventOps {
  metrics: Pick<Metrics, "socketEvent">
  drain: Pick<Drain, "draining" | "begin">
}

/**
 * Builds `on(event, action)`, which registers one event of one socket through the wrapper, with the
 * payload schema of the event table (schemas/events.ts).
 * An event nobody registered is answered too (BAD_REQUEST), so a client waiting for an
 * acknowledgement never hangs on a typo.
 */
export function eventHandler(
  socket: ChatSocket,
  logger: Logger,
  ops: EventOps,
  /** Runs an action in the socket's request context (the audit log reads the client's address). */
  within: <T>(action: () => T) => T = (action) => action(),
) {
  const known = new Set<string>()
  /** The one way a failure reaches the client: the seed's `error` event and the acknowledgement. */
  const refuse = (error: ErrorBody, event: string, ack: unknown) => {
    socket.emit("error", { ...error, event })
    if (typeof ack === "function") ack({ ok: false, error })
  }
  socket.onAny((name: unknown, ...args: unknown[]) => {
    if (typeof name === "string" && known.has(name)) return
    const event = String(name).slice(0, 100)
    const error: ErrorBody = { code: "BAD_REQUEST", message: `Unknown event "${event}"` }
    refuse(error, event, args[args.length - 1])
    ops.metrics.socketEvent("unknown", error.code, 0)
    logger.info(
      { event: "unknown_event", name: event, socketId: socket.id, userId: socket.data.user.id },
      error.message,
    )
  })

  return function on<E extends ClientEventName>(
    event: E,
    action: (input: z.output<(typeof clientEvents)[E]["input"]>) => Promise<AckPayload<E>>,
  ): void {
    known.add(event)
    const schema: z.ZodType = clientEvents[event].input
    // The payload is anything a client sent until the schema says otherwise: listen untyped.
    ;(socket as unknown as UntypedSocket).on(event, async (...args: unknown[]) => {
      // Socket.IO passes the acknowledgement last; a client may send it without a payload.
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Ack) : undefined
      const started = performance.now()
      const done = ops.drain.begin(socket)
      let outcome = "ok"
      // Built only for a line that is written: with `info` off, an event costs no log fields.
      const fields = (result: unknown) => ({
        event,
        outcome,
        socketId: socket.id,
        userId: socket.data.user.id,
        conversationId: conversationOf(args[0]) ?? conversationOf(result),
        ms: elapsed(started),
      })
      try {
        // Refused, not dropped: the client knows to send it again once reconnected.
        if (ops.drain.draining)
          throw new AppError("UNAVAILABLE", "The server is shutting down; retry shortly", {
            retryAfterMs: RECONNECT_AFTER_MS,
          })
        const input = parseInput(schema, args[0]) as never
        const result = await within(() => action(input))
        ack?.({ ok: true, ...result })
        if (logger.isLevelEnabled("info")) logger.info(fields(result), event)
      } catch (err) {
        const error: ErrorBody = toErrorBody(err)
        const level = error.code === "INTERNAL" ? "error" : error.code === "FORBIDDEN" ? "warn" : "info"
        refuse(error, event, ack)
        outcome = error.code
        if (logger.isLevelEnabled(level))
          logger[level]({ ...fields(undefined), err: level === "error" ? err : undefined }, error.message)
      } finally {
        ops.metrics.socketEvent(event, outcome, (performance.now() - started) / 1000)
        done()
      }
    })
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100

/** The conversation an event payload or result names, for the log line. */
function conversationOf(value: unknown): number | undefined {
  const id = (value as { conversationId?: unknown } | null | undefined)?.conversationId
  return typeof id === "number" ? id : undefined
}
