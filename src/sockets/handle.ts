/**
 * The one wrapper every socket event goes through: validate the payload with its schema, run the
 * action, acknowledge; any failure becomes the `error` event and `{ ok: false, error }`.
 */
import type { z } from "zod"
import { type ErrorBody, parseInput, toErrorBody } from "../errors.ts"
import type { Logger } from "../logger.ts"
import type { ChatSocket } from "./types.ts"

type Ack = (response: unknown) => void

/** Builds listeners bound to one socket. */
export function eventHandler(socket: ChatSocket, logger: Logger) {
  return function handle<S extends z.ZodType, R extends object>(
    event: string,
    schema: S,
    action: (input: z.output<S>) => Promise<R>,
  ) {
    return async (...args: unknown[]) => {
      // Socket.IO passes the acknowledgement last; a client may send it without a payload.
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Ack) : undefined
      const started = performance.now()
      try {
        const result = await action(parseInput(schema, args[0]))
        ack?.({ ok: true, ...result })
        logger.debug(
          { event, socketId: socket.id, userId: socket.data.user.id, ms: performance.now() - started },
          "event",
        )
      } catch (err) {
        const error: ErrorBody = toErrorBody(err)
        const level = error.code === "INTERNAL" ? "error" : error.code === "FORBIDDEN" ? "warn" : "info"
        logger[level](
          {
            event,
            outcome: error.code,
            socketId: socket.id,
            userId: socket.data.user.id,
            err: level === "error" ? err : undefined,
          },
          error.message,
        )
        socket.emit("error", { ...error, event })
        ack?.({ ok: false, error })
      }
    }
  }
}
