/** Participant management and blocking over sockets: the same service calls as the HTTP routes. */
import {
  addParticipantsInput,
  changeRoleInput,
  conversationRef,
  participantRef,
  updateConversationInput,
} from "../schemas/inputs.ts"
import type { SocketDeps } from "./types.ts"

/** Registers the group management events on one socket. */
export function registerParticipantEvents({ socket, services, on }: SocketDeps) {
  const user = socket.data.user
  const { participants } = services

  on("add_participants", addParticipantsInput, (i) => participants.add(user, i.conversationId, i.userIds))
  on("remove_participant", participantRef, (i) => participants.remove(user, i.conversationId, i.userId))
  on("change_role", changeRoleInput, (i) => participants.setRole(user, i.conversationId, i.userId, i.role))
  on("update_conversation", updateConversationInput, (i) =>
    participants.rename(user, i.conversationId, i.title),
  )
  on("quit_conversation", conversationRef, (i) => participants.leave(user, i.conversationId))
  on("block_conversation", conversationRef, (i) => participants.block(user, i.conversationId))
  on("unblock_conversation", conversationRef, (i) => participants.unblock(user, i.conversationId))
}
