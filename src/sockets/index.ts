/** Wires the Socket.IO server: authentication, per-socket events, and broadcasts of domain events. */
import type { Config } from "../config.ts"
import type { ChatServer } from "../contract.ts"
import type { Logger } from "../ops/logger.ts"
import type { Services } from "../services/index.ts"
import { authenticateSocket } from "./authenticate.ts"
import { relayDomainEvents } from "./broadcasts.ts"
import { registerConversationEvents } from "./conversations.ts"
import { type EventOps, eventHandler } from "./handle.ts"
import { registerMessageEvents } from "./messages.ts"
import { registerParticipantEvents } from "./participants.ts"
import { conversationOfRoom, userRoom } from "./rooms.ts"
import { registerTypingEvents } from "./typing.ts"

/** Attaches the chat protocol to `io`; returns a function that detaches the bus listeners. */
export function attachSockets(
  io: ChatServer,
  services: Services,
  logger: Logger,
  config: Pick<Config, "corsOrigins" | "maxConnectionsPerUser" | "trustProxy">,
  ops: EventOps,
): () => void {
  io.use(
    authenticateSocket({
      sessions: services.sessions,
      presence: services.presence,
      logger,
      allowedOrigins: config.corsOrigins,
      maxConnectionsPerUser: config.maxConnectionsPerUser,
      trustProxy: config.trustProxy,
    }),
  )

  io.on("connection", (socket) => {
    const user = socket.data.user
    services.presenceService.connected(user.id)
    // The personal room: every device of the user, for news that is not about a joined room.
    socket.join(userRoom(user.id))
    logger.info({ event: "connect", socketId: socket.id, userId: user.id }, "socket connected")

    const origin = { address: socket.handshake.address ?? "unknown" }
    const within = <T>(action: () => T) => services.context.run(origin, action)
    const deps = { socket, services, logger, on: eventHandler(socket, logger, ops, within) }
    registerConversationEvents(deps)
    registerMessageEvents(deps)
    registerParticipantEvents(deps)
    registerTypingEvents(deps)

    // No socket outlives its token.
    const expiry = atTime(socket.data.tokenExpiresAt, () => socket.disconnect(true))

    socket.on("disconnecting", (reason) => {
      for (const room of socket.rooms) {
        const conversationId = conversationOfRoom(room)
        if (conversationId !== undefined) socket.to(room).emit("user_left", { conversationId, user })
      }
      logger.info(
        { event: "disconnect", socketId: socket.id, userId: user.id, reason },
        "socket disconnected",
      )
    })
    socket.on("disconnect", () => {
      expiry.cancel()
      services.presenceService.disconnected(user.id)
    })
  })

  return relayDomainEvents(io, services)
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** Runs `fn` at a wall-clock time, however far: timers longer than 2^31-1 ms fire at once. */
function atTime(when: number, fn: () => void): { cancel(): void } {
  let timer: ReturnType<typeof setTimeout>
  const arm = () => {
    const delay = when - Date.now()
    timer = delay > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(fn, Math.max(0, delay))
  }
  arm()
  return { cancel: () => clearTimeout(timer) }
}
