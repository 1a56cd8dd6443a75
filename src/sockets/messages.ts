/** send_message and mark_message_read: thin wrappers over the message service. */
import { markReadInput, sendMessageInput } from "../schemas.ts"
import type { SocketDeps } from "./types.ts"

/** Registers the message events on one socket; broadcasts come from the service's events. */
export function registerMessageEvents({ socket, services, handle }: SocketDeps) {
  const user = socket.data.user

  socket.on(
    "send_message",
    handle("send_message", sendMessageInput, async (input) => ({
      message: await services.messages.send(user, input),
    })),
  )
  socket.on(
    "mark_message_read",
    handle("mark_message_read", markReadInput, ({ messageId }) =>
      services.messages.markRead(user.id, messageId),
    ),
  )
}
