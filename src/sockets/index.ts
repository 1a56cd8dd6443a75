/** Wires the Socket.IO server: authentication, per-socket events, and broadcasts of domain events. */
import type { Logger } from "../logger.ts"
import { authenticateSocket } from "../middleware/socketAuth.ts"
import type { Services } from "../services/index.ts"
import { registerConversationEvents } from "./conversations.ts"
import { eventHandler } from "./handle.ts"
import { registerMessageEvents } from "./messages.ts"
import { conversationOfRoom, conversationRoom, userRoom } from "./rooms.ts"
import type { ChatServer } from "./types.ts"

/** Attaches the chat protocol to `io`; returns a function that detaches the bus listeners. */
export function attachSockets(io: ChatServer, services: Services, logger: Logger): () => void {
  io.use(authenticateSocket(services.sessions, logger))

  io.on("connection", (socket) => {
    const user = socket.data.user
    services.presence.connected(user.id)
    socket.join(userRoom(user.id))
    logger.info({ event: "connect", socketId: socket.id, userId: user.id }, "socket connected")

    const handle = eventHandler(socket, logger)
    registerConversationEvents({ socket, services, logger, handle })
    registerMessageEvents({ socket, services, logger, handle })

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
      services.presence.disconnected(user.id)
    })
  })

  const unsubscribe = [
    services.bus.on("message_created", (message) => {
      io.to(conversationRoom(message.conversationId)).emit("new_message", {
        conversationId: message.conversationId,
        message,
      })
    }),
    services.bus.on("message_read", (read) => {
      io.to(conversationRoom(read.conversationId)).emit("message_read", read)
    }),
  ]
  return () => {
    for (const off of unsubscribe) off()
  }
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
