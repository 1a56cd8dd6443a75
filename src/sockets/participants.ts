/** Participant management over sockets: the same service calls as the HTTP routes. */
import type { SocketDeps } from "./types.ts"

/** Registers the participant events on one socket. */
export function registerParticipantEvents({ socket, services, on }: SocketDeps) {
  const user = socket.data.user
  const { participants } = services

  on("add_participants", (i) => participants.add(user, i.conversationId, i.userIds))
  on("remove_participant", (i) => participants.remove(user, i.conversationId, i.userId))
  on("change_role", (i) => participants.setRole(user, i.conversationId, i.userId, i.role))
  on("quit_conversation", (i) => participants.leave(user, i.conversationId))
}
