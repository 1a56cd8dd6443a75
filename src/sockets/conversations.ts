/** Rooms (join and leave, checked against the participants) and a conversation's settings (title, blocks). */
import type { EventActions } from "./handle.ts"
import { conversationRoom } from "./rooms.ts"

// The seed's confirmation text, in English like everything the server sends; clients may display it.
export const JOINED_MESSAGE = "You joined the conversation"

/** The room events' actions. */
export const conversationActions = {
  async join_conversation({ socket, user, services }, { conversationId }) {
    await services.membership.requireListening(conversationId, user.id)
    await services.limits.join.consume(user.id)
    const room = conversationRoom(conversationId)
    const already = socket.rooms.has(room)
    await socket.join(room)
    // A removal or block may have landed between the check and the join: check again, now that
    // any later removal will take this socket out of the room itself.
    try {
      await services.membership.requireListening(conversationId, user.id)
    } catch (err) {
      if (!already) await socket.leave(room)
      throw err
    }
    const conversation = (await services.conversations.load(conversationId))!
    const payload = {
      conversationId,
      message: JOINED_MESSAGE,
      lastSeq: conversation.lastSeq,
      participants: conversation.participants,
    }
    socket.emit("conversation_joined", payload)
    if (!already) {
      socket.to(room).emit("user_joined", { conversationId, user })
    }
    return payload
  },

  async leave_conversation({ socket, user, services }, { conversationId }) {
    const room = conversationRoom(conversationId)
    // Leaving a room one is not in is harmless, but must not tell a stranger the conversation exists.
    if (!socket.rooms.has(room)) await services.membership.require(conversationId, user.id)
    else {
      await socket.leave(room)
      socket.to(room).emit("user_left", { conversationId, user })
    }
    socket.emit("conversation_left", { conversationId })
    return { conversationId }
  },

  update_conversation: ({ user, services }, i) => services.settings.rename(user, i.conversationId, i.title),
  block_conversation: ({ user, services }, i) => services.settings.block(user, i.conversationId),
  unblock_conversation: ({ user, services }, i) => services.settings.unblock(user, i.conversationId),
} satisfies Partial<EventActions>
