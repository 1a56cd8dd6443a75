/** Participant management and blocking over sockets: the same service calls as the HTTP routes. */
import {
  addParticipantsInput,
  changeRoleInput,
  conversationRef,
  participantRef,
  updateConversationInput,
} from "../schemas.ts"
import type { SocketDeps } from "./types.ts"

/** Registers the group management events on one socket. */
export function registerParticipantEvents({ socket, services, handle }: SocketDeps) {
  const user = socket.data.user
  const { participants } = services

  socket.on(
    "add_participants",
    handle("add_participants", addParticipantsInput, (i) =>
      participants.add(user, i.conversationId, i.userIds),
    ),
  )
  socket.on(
    "remove_participant",
    handle("remove_participant", participantRef, (i) =>
      participants.remove(user, i.conversationId, i.userId),
    ),
  )
  socket.on(
    "change_role",
    handle("change_role", changeRoleInput, (i) =>
      participants.setRole(user, i.conversationId, i.userId, i.role),
    ),
  )
  socket.on(
    "update_conversation",
    handle("update_conversation", updateConversationInput, (i) =>
      participants.rename(user, i.conversationId, i.title),
    ),
  )
  socket.on(
    "quit_conversation",
    handle("quit_conversation", conversationRef, (i) => participants.leave(user, i.conversationId)),
  )
  socket.on(
    "block_conversation",
    handle("block_conversation", conversationRef, (i) => participants.block(user, i.conversationId)),
  )
  socket.on(
    "unblock_conversation",
    handle("unblock_conversation", conversationRef, (i) => participants.unblock(user, i.conversationId)),
  )
}
