/** Messages (send, edit, delete, react), receipts and sync over sockets: thin wrappers over the services. */
import type { SocketDeps } from "./types.ts"

/** Registers the message events on one socket; broadcasts come from the services' events. */
export function registerMessageEvents({ socket, services, on }: SocketDeps) {
  const user = socket.data.user

  on("send_message", (input) => services.messages.send(user, input))
  on("edit_message", ({ messageId, text }) => services.messageChanges.edit(user, messageId, text))
  on("delete_message", ({ messageId }) => services.messageChanges.remove(user, messageId))
  on("add_reaction", ({ messageId, emoji }) => services.reactions.add(user, messageId, emoji))
  on("remove_reaction", ({ messageId, emoji }) => services.reactions.remove(user, messageId, emoji))
  on("mark_message_read", ({ messageId }) => services.pointers.markMessageRead(user.id, messageId))
  on("mark_read", ({ conversationId, seq }) => services.pointers.markRead(user.id, conversationId, seq))
  on("mark_delivered", ({ conversationId, seq }) =>
    services.pointers.markDelivered(user.id, conversationId, seq),
  )
  on("sync", (input) => services.sync.sync(user.id, input))
}
