/** Turns domain events into room broadcasts and room moves; the same for HTTP- and socket-driven changes. */

import type { ChatServer } from "../contract.ts"
import type { Services } from "../services/index.ts"
import { conversationRoom, userRoom } from "./rooms.ts"

/** Subscribes to the bus; returns the function that unsubscribes. */
export function relayDomainEvents(io: ChatServer, { bus }: Services): () => void {
  const offs = [
    bus.on("message_created", (message) => {
      io.to(conversationRoom(message.conversationId)).emit("new_message", {
        conversationId: message.conversationId,
        message,
      })
    }),
    bus.on("message_read", (read) => io.to(conversationRoom(read.conversationId)).emit("message_read", read)),

    bus.on("participant_added", ({ conversationId, participant, by, conversation }) => {
      io.to(conversationRoom(conversationId)).emit("participant_added", { conversationId, participant, by })
      // The new participant's devices learn of it without reconnecting.
      io.to(userRoom(participant.id)).emit("conversation_added", { conversation, by })
    }),
    bus.on("participant_removed", ({ conversationId, userId, by, reason }) => {
      const payload = { conversationId, userId, by, reason }
      io.to([conversationRoom(conversationId), userRoom(userId)]).emit("participant_removed", payload)
      // Every device of the departed participant stops hearing the room at once.
      io.in(userRoom(userId)).socketsLeave(conversationRoom(conversationId))
    }),
    bus.on("role_changed", (change) => {
      io.to([conversationRoom(change.conversationId), userRoom(change.userId)]).emit("role_changed", change)
    }),
    bus.on("conversation_updated", (update) =>
      io.to(conversationRoom(update.conversationId)).emit("conversation_updated", update),
    ),

    // Only the blocker's own devices hear of a block; the others are not told.
    bus.on("conversation_blocked", ({ conversationId, userId, type }) => {
      io.to(userRoom(userId)).emit("conversation_blocked", { conversationId })
      if (type === "group") io.in(userRoom(userId)).socketsLeave(conversationRoom(conversationId))
    }),
    bus.on("conversation_unblocked", ({ conversationId, userId }) => {
      io.to(userRoom(userId)).emit("conversation_unblocked", { conversationId })
    }),
    bus.on("sessions_revoked", ({ userId }) => io.in(userRoom(userId)).disconnectSockets(true)),
  ]
  return () => {
    for (const off of offs) off()
  }
}
