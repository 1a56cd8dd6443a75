/** Messages (send, edit, delete, react), receipts and sync over sockets: thin wrappers over the services. */
import type { EventActions } from "./handle.ts"

/** The message events' actions; broadcasts come from the services' events. */
export const messageActions = {
  send_message: ({ user, services }, input) => services.messages.send(user, input),
  edit_message: ({ user, services }, { messageId, text }) =>
    services.messageChanges.edit(user, messageId, text),
  delete_message: ({ user, services }, { messageId }) => services.messageChanges.remove(user, messageId),
  add_reaction: ({ user, services }, { messageId, emoji }) => services.reactions.add(user, messageId, emoji),
  remove_reaction: ({ user, services }, { messageId, emoji }) =>
    services.reactions.remove(user, messageId, emoji),
  mark_message_read: ({ user, services }, { messageId }) =>
    services.pointers.markMessageRead(user.id, messageId),
  mark_read: ({ user, services }, { conversationId, seq }) =>
    services.pointers.markRead(user.id, conversationId, seq),
  mark_delivered: ({ user, services }, { conversationId, seq }) =>
    services.pointers.markDelivered(user.id, conversationId, seq),
  sync: ({ user, services }, input) => services.sync.sync(user.id, input),
} satisfies Partial<EventActions>
