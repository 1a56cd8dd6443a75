/** Typing and recording indicators over sockets: volatile, not stored, never echoed to the typist. */
import type { SocketDeps } from "./types.ts"

/** Registers `typing` on one socket; the socket's disconnect ends what it was typing. */
export function registerTypingEvents({ socket, services, on }: SocketDeps) {
  const user = socket.data.user
  on("typing", ({ conversationId, state }) => services.typing.set(user, socket.id, conversationId, state))
  socket.on("disconnect", () => services.typing.disconnected(socket.id))
}
