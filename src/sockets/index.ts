/** Wires the Socket.IO server: authentication, per-socket events, and broadcasts of domain events. */
import type { Config } from "../config.ts"
import type { ChatServer, ChatSocket } from "../contract.ts"
import type { Logger } from "../ops/logger.ts"
import type { Services } from "../services/index.ts"
import { authenticateSocket } from "./authenticate.ts"
import { relayDomainEvents } from "./broadcasts.ts"
import { conversationActions } from "./conversations.ts"
import { createExpiries } from "./expiry.ts"
import { createDispatch, type EventOps } from "./handle.ts"
import { releaseHandshake } from "./handshake.ts"
import { messageActions } from "./messages.ts"
import { participantActions } from "./participants.ts"
import { conversationOfRoom, userRoom } from "./rooms.ts"
import { typingActions } from "./typing.ts"

/**
 * Attaches the chat protocol to `io`; returns a function that detaches the bus listeners.
 * Every listener here is built once and shared by all sockets (Socket.IO calls each with the socket
 * as `this`): an idle socket holds no closure of its own (issue 17, test/socket-footprint.test.ts).
 */
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

  const dispatch = createDispatch({
    actions: { ...conversationActions, ...messageActions, ...participantActions, ...typingActions },
    services,
    logger,
    ops,
  })
  // No socket outlives its token.
  const expiries = createExpiries<ChatSocket>(
    (socket) => socket.disconnect(true),
    (err) => logger.error({ err, event: "token_expiry" }, "closing a socket at its token's expiry failed"),
  )

  function disconnecting(this: ChatSocket, reason: string) {
    const user = this.data.user
    for (const room of this.rooms) {
      const conversationId = conversationOfRoom(room)
      if (conversationId !== undefined) this.to(room).emit("user_left", { conversationId, user })
    }
    logger.info({ event: "disconnect", socketId: this.id, userId: user.id, reason }, "socket disconnected")
  }
  function disconnected(this: ChatSocket) {
    expiries.forget(this, this.data.tokenExpiresAt)
    services.typing.disconnected(this.id)
    services.presenceService.disconnected(this.data.user.id)
  }

  io.on("connection", (socket) => {
    const user = socket.data.user
    services.presenceService.connected(user.id)
    // The personal room: every device of the user, for news that is not about a joined room.
    socket.join(userRoom(user.id))
    logger.info({ event: "connect", socketId: socket.id, userId: user.id }, "socket connected")
    releaseHandshake(socket)
    socket.onAny(dispatch)
    expiries.watch(socket, socket.data.tokenExpiresAt)
    socket.on("disconnecting", disconnecting)
    socket.on("disconnect", disconnected)
  })

  const detach = relayDomainEvents(io, services)
  return () => {
    detach()
    expiries.stop()
  }
}
