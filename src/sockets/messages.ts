/** send_message and mark_message_read: thin wrappers over the message service. */
import { markReadInput, sendMessageInput } from "../schemas/inputs.ts"
import type { SocketDeps } from "./types.ts"

/** Registers the message events on one socket; broadcasts come from the service's events. */
export function registerMessageEvents({ socket, services, on }: SocketDeps) {
  const user = socket.data.user

  on("send_message", sendMessageInput, async (input) => ({
    message: await services.messages.send(user, input),
  }))
  on("mark_message_read", markReadInput, ({ messageId }) => services.messages.markRead(user.id, messageId))
}
