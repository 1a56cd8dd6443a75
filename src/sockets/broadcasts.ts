/** Turns domain events into room broadcasts and room moves; the same for HTTP- and socket-driven changes. */
import type { ChatServer } from "../contract.ts"
import type { Services } from "../services/index.ts"
import { asSeenByOthers } from "../services/userService.ts"
import { createCoalescer } from "./coalesce.ts"
import { conversationRoom, userRoom } from "./rooms.ts"

/** At most this often per (conversation, user, pointer) do read and delivered pointers go out. */
const POINTER_WINDOW_MS = 250

/** Subscribes to the bus; returns the function that unsubscribes. */
export function relayDomainEvents(io: ChatServer, { bus }: Services): () => void {
  const pointers = createCoalescer<{ conversationId: number; userId: number; seq: number; pointer: string }>(
    POINTER_WINDOW_MS,
    ({ pointer, ...moved }) =>
      // The user's own other devices hear it too, wherever they are, to clear their unread counts.
      io
        .to([conversationRoom(moved.conversationId), userRoom(moved.userId)])
        .emit(pointer === "read" ? "read_up_to" : "delivered_up_to", moved),
  )
  const offs = [
    bus.on("message_created", (message) => {
      io.to(conversationRoom(message.conversationId)).emit("new_message", {
        conversationId: message.conversationId,
        seq: message.seq,
        message,
      })
    }),
    bus.on("message_edited", (edit) =>
      io.to(conversationRoom(edit.conversationId)).emit("message_edited", edit),
    ),
    bus.on("message_deleted", (gone) =>
      io.to(conversationRoom(gone.conversationId)).emit("message_deleted", gone),
    ),
    bus.on("reaction_added", (r) => io.to(conversationRoom(r.conversationId)).emit("reaction_added", r)),
    bus.on("reaction_removed", (r) => io.to(conversationRoom(r.conversationId)).emit("reaction_removed", r)),
    // Volatile: a late indicator is worth nothing, so a congested socket may drop it.
    bus.on("typing", (t) =>
      io.to(conversationRoom(t.conversationId)).except(userRoom(t.userId)).volatile.emit("typing", t),
    ),
    // Presence goes only to the users who share a conversation with its subject.
    bus.on("presence", ({ recipients, ...presence }) =>
      io.to(recipients.map(userRoom)).volatile.emit("presence", presence),
    ),
    bus.on("message_read", (read) => io.to(conversationRoom(read.conversationId)).emit("message_read", read)),
    bus.on("pointer_moved", (moved) =>
      pointers.push(`${moved.conversationId}:${moved.userId}:${moved.pointer}`, moved),
    ),

    bus.on("participant_added", (added) =>
      io.to(conversationRoom(added.conversationId)).emit("participant_added", added),
    ),
    // The new participant's devices learn of it without reconnecting.
    bus.on("conversation_added", ({ userId, conversation, by }) =>
      io.to(userRoom(userId)).emit("conversation_added", { conversation, by }),
    ),
    bus.on("participant_removed", (removed) => {
      const { conversationId, userId } = removed
      io.to([conversationRoom(conversationId), userRoom(userId)]).emit("participant_removed", removed)
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
    bus.on("conversation_muted", ({ userId, ...mute }) =>
      io.to(userRoom(userId)).emit("conversation_muted", mute),
    ),
    bus.on("sessions_revoked", ({ userId }) => io.in(userRoom(userId)).disconnectSockets(true)),
    bus.on("user_updated", ({ user, recipients, locale }) => {
      renameSockets(io, user.id, user.displayName)
      io.to(userRoom(user.id)).emit("user_updated", locale === undefined ? { user } : { user, locale })
      if (recipients.length > 0)
        io.to(recipients.map(userRoom)).emit("user_updated", { user: asSeenByOthers(user) })
    }),
    bus.on("token_revoked", ({ userId, tokenId }) => closeTokenSockets(io, userId, tokenId)),
  ]
  return () => {
    pointers.stop()
    for (const off of offs) off()
  }
}

/**
 * The user's sockets on this node carry a new name into what they send from now on (`sender`, `by`):
 * handlers read the socket's user object, changed here in place. Other nodes do the same when told
 * (server.ts, with Redis).
 */
export function renameSockets(io: ChatServer, userId: number, displayName: string | null): void {
  const nsp = io.of("/")
  for (const id of nsp.adapter.rooms.get(userRoom(userId)) ?? []) {
    const socket = nsp.sockets.get(id)
    if (socket) socket.data.user.displayName = displayName
  }
}

/** Closes the user's sockets on this node that were opened with one (now revoked) token. */
export function closeTokenSockets(io: ChatServer, userId: number, tokenId: string): void {
  const nsp = io.of("/")
  for (const id of nsp.adapter.rooms.get(userRoom(userId)) ?? []) {
    const socket = nsp.sockets.get(id)
    if (socket?.data.tokenId === tokenId) socket.disconnect(true)
  }
}
