/**
 * The one wrapper every socket event goes through: validate the payload with its schema, run the
 * action, acknowledge; any failure becomes the `error` event and `{ ok: false, error }`. It also
 * logs and measures each event, and refuses new ones once the server is stopping.
 */
import type { z } from "zod"
import type { AckPayload, ChatSocket, SocketData } from "../contract.ts"
import { AppError, type ErrorBody, parseInput, toErrorBody } from "../errors.ts"
import type { Logger } from "../ops/logger.ts"
import type { Metrics } from "../ops/metrics.ts"
import { type Drain, RECONNECT_AFTER_MS } from "../ops/shutdown.ts"
import { type ClientEventName, clientEvents } from "../schemas/events.ts"
import type { Services } from "../services/index.ts"

type Ack = (response: unknown) => void

/** What the wrapper needs from the server: where to count events, and whether it is stopping. */
export interface EventOps {
  metrics: Pick<Metrics, "socketEvent">
  drain: Pick<Drain, "draining" | "begin">
}

/** What an action receives: the socket that sent the event, its user, and the services. */
export interface EventContext {
  socket: ChatSocket
  user: SocketData["user"]
  services: Services
}

/** The work of one event: its payload as the event's schema parsed it; the acknowledgement's fields. */
export type EventAction<E extends ClientEventName> = (
  ctx: EventContext,
  input: z.output<(typeof clientEvents)[E]["input"]>,
) => Promise<AckPayload<E>>

/** Every client event's action (each domain's file holds a part of it). */
export type EventActions = { [E in ClientEventName]: EventAction<E> }

/** An action once its event's schema has parsed the payload: the table's view of every action. */
type ParsedAction = (ctx: EventContext, input: never) => Promise<object>

export interface DispatchDeps {
  actions: EventActions
  services: Services
  logger: Logger
  ops: EventOps
}

/**
 * Builds the one listener that every socket shares, `socket.onAny(dispatch)` (Socket.IO calls it with
 * the socket as `this` and the acknowledgement last). One shared function rather than a closure per
 * event per socket: an idle socket holds nothing of it (issue 17). An event that has no action is
 * answered too (BAD_REQUEST), so a client waiting for an acknowledgement never hangs on a typo.
 */
export function createDispatch({ actions, services, logger, ops }: DispatchDeps) {
  const table = new Map<string, { schema: z.ZodType; action: ParsedAction }>(
    (Object.keys(actions) as ClientEventName[]).map((event) => [
      event,
      { schema: clientEvents[event].input, action: actions[event] },
    ]),
  )

  /** The one way a failure reaches the client: the seed's `error` event and the acknowledgement. */
  const refuse = (socket: ChatSocket, error: ErrorBody, event: string, ack: Ack | undefined) => {
    socket.emit("error", { ...error, event })
    ack?.({ ok: false, error })
  }

  function unknown(socket: ChatSocket, name: unknown, ack: Ack | undefined) {
    const event = String(name).slice(0, 100)
    const error: ErrorBody = { code: "BAD_REQUEST", message: `Unknown event "${event}"` }
    refuse(socket, error, event, ack)
    ops.metrics.socketEvent("unknown", error.code, 0)
    logger.info(
      { event: "unknown_event", name: event, socketId: socket.id, userId: socket.data.user.id },
      error.message,
    )
  }

  async function run(
    socket: ChatSocket,
    event: string,
    { schema, action }: { schema: z.ZodType; action: ParsedAction },
    payload: unknown,
    ack: Ack | undefined,
  ) {
    const started = performance.now()
    const done = ops.drain.begin(socket)
    const user = socket.data.user
    let outcome = "ok"
    // Built only for a line that is written: with `info` off, an event costs no log fields.
    const fields = (result: unknown) => ({
      event,
      outcome,
      socketId: socket.id,
      userId: user.id,
      conversationId: conversationOf(payload) ?? conversationOf(result),
      ms: elapsed(started),
    })
    try {
      // Refused, not dropped: the client knows to send it again once reconnected.
      if (ops.drain.draining)
        throw new AppError("UNAVAILABLE", "The server is shutting down; retry shortly", {
          retryAfterMs: RECONNECT_AFTER_MS,
        })
      const input = parseInput(schema, payload) as never
      // In the socket's request context: the audit log reads the client's address.
      const origin = { address: socket.handshake.address ?? "unknown" }
      const result = await services.context.run(origin, () => action({ socket, user, services }, input))
      ack?.({ ok: true, ...result })
      if (logger.isLevelEnabled("info")) logger.info(fields(result), event)
    } catch (err) {
      const error: ErrorBody = toErrorBody(err)
      const level = error.code === "INTERNAL" ? "error" : error.code === "FORBIDDEN" ? "warn" : "info"
      refuse(socket, error, event, ack)
      outcome = error.code
      if (logger.isLevelEnabled(level))
        logger[level]({ ...fields(undefined), err: level === "error" ? err : undefined }, error.message)
    } finally {
      ops.metrics.socketEvent(event, outcome, (performance.now() - started) / 1000)
      done()
    }
  }

  function dispatch(this: ChatSocket, name: unknown, ...args: unknown[]): void {
    // Socket.IO passes the acknowledgement last; a client may send it without a payload.
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Ack) : undefined
    const entry = typeof name === "string" ? table.get(name) : undefined
    if (entry) void run(this, name as string, entry, args[0], ack)
    else unknown(this, name, ack)
  }
  // What a socket handles is no longer its listeners' names: the documents' tests read it here.
  return Object.assign(dispatch, { events: [...table.keys()] as readonly string[] })
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100

/** The conversation an event payload or result names, for the log line. */
function conversationOf(value: unknown): number | undefined {
  const id = (value as { conversationId?: unknown } | null | undefined)?.conversationId
  return typeof id === "number" ? id : undefined
}
