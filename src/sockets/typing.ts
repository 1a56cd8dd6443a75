/** Typing and recording indicators over sockets: volatile, not stored, never echoed to the typist. */
import type { EventActions } from "./handle.ts"

/** `typing`'s action; a socket's disconnect ends what it was typing (index.ts). */
export const typingActions = {
  typing: ({ socket, user, services }, { conversationId, state }) =>
    services.typing.set(user, socket.id, conversationId, state),
} satisfies Partial<EventActions>
