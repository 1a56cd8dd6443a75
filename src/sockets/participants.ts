/** Participant management over sockets: the same service calls as the HTTP routes. */
import type { EventActions } from "./handle.ts"

/** The participant events' actions. */
export const participantActions = {
  add_participants: ({ user, services }, i) => services.participants.add(user, i.conversationId, i.userIds),
  remove_participant: ({ user, services }, i) =>
    services.participants.remove(user, i.conversationId, i.userId),
  change_role: ({ user, services }, i) =>
    services.participants.setRole(user, i.conversationId, i.userId, i.role),
  quit_conversation: ({ user, services }, i) => services.participants.leave(user, i.conversationId),
} satisfies Partial<EventActions>
