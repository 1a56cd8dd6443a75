/**
 * Every Socket.IO event with its schemas: what a client sends and what its acknowledgement holds,
 * and what the server emits. contract.ts derives the typed event maps from these two tables.
 */
import { z } from "zod"
import * as input from "./inputs.ts"
import * as wire from "./wire.ts"

const ref = z.object({ conversationId: z.number() })
const participantRef = ref.extend({ userId: z.number() })

/** Client -> server: the payload schema (validated) and the acknowledgement's shape. */
export const clientEvents = {
  join_conversation: { input: input.conversationRef, ack: wire.joinedPayload },
  leave_conversation: { input: input.conversationRef, ack: ref },
  send_message: {
    input: input.sendMessageInput,
    ack: z.object({ message: wire.message, duplicate: z.boolean() }),
  },
  mark_message_read: {
    input: input.markReadInput,
    ack: wire.messageReadPayload.extend({ duplicate: z.boolean() }),
  },
  mark_read: { input: input.pointerInput, ack: ref.extend({ readSeq: z.number(), unreadCount: z.number() }) },
  mark_delivered: { input: input.pointerInput, ack: ref.extend({ deliveredSeq: z.number() }) },
  sync: { input: input.syncInput, ack: wire.syncResult },
  add_participants: {
    input: input.addParticipantsInput,
    ack: z.object({ added: z.array(wire.participant) }),
  },
  remove_participant: { input: input.participantRef, ack: participantRef },
  change_role: { input: input.changeRoleInput, ack: participantRef.extend({ role: wire.role }) },
  update_conversation: {
    input: input.updateConversationInput,
    ack: ref.extend({ title: z.string().nullable() }),
  },
  quit_conversation: { input: input.conversationRef, ack: ref },
  block_conversation: { input: input.conversationRef, ack: wire.blockState },
  unblock_conversation: { input: input.conversationRef, ack: wire.blockState },
} as const

/** Server -> client: each event's payload. */
export const serverEvents = {
  conversation_joined: wire.joinedPayload,
  conversation_left: ref,
  new_message: wire.newMessagePayload,
  message_read: wire.messageReadPayload,
  read_up_to: wire.pointerMovedPayload,
  delivered_up_to: wire.pointerMovedPayload,
  user_joined: wire.userPresencePayload,
  user_left: wire.userPresencePayload,
  /** Every failure, with the event that caused it. */
  error: wire.errorBody.extend({ event: z.string().optional() }),
  /** The server is stopping: it answers what is in flight, then disconnects; reconnect after the delay. */
  server_shutdown: z.object({ reconnectAfterMs: z.number() }),
  participant_added: wire.participantAddedPayload,
  participant_removed: wire.participantRemovedPayload,
  role_changed: wire.roleChangedPayload,
  conversation_updated: wire.conversationUpdatedPayload,
  conversation_added: z.object({ conversation: wire.conversation, by: wire.publicUser }),
  conversation_blocked: ref,
  conversation_unblocked: ref,
} as const

export type ClientEventName = keyof typeof clientEvents
