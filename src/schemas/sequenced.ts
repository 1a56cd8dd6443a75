/**
 * The events that carry a conversation's `seq`: stored, replayed by sync, kept in order by every node
 * and by the typed client. Plain data with no import, so the browser bundle takes it without zod.
 */
export const SEQUENCED_EVENTS = [
  "new_message",
  "participant_added",
  "participant_removed",
  "role_changed",
  "conversation_updated",
  "message_edited",
  "message_deleted",
  "reaction_added",
  "reaction_removed",
] as const

export type SequencedEventType = (typeof SEQUENCED_EVENTS)[number]
