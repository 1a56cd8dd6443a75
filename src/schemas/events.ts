/**
 * Every Socket.IO event with its schemas: what a client sends and what its acknowledgement holds,
 * and what the server emits. contract.ts derives the typed event maps from these two tables, and the
 * AsyncAPI document (apidocs/asyncapi.ts) is generated from them: each event's `.describe()` text is
 * its documentation, written here once.
 */
import { z } from "zod"
import * as changes from "./changes.ts"
import * as input from "./inputs.ts"
import * as live from "./live.ts"
import * as messageInput from "./messageInputs.ts"
import * as mute from "./mute.ts"
import * as wire from "./wire.ts"

const ref = z.object({ conversationId: z.number() })
const participantRef = ref.extend({ userId: z.number() })

/** Client -> server: the payload schema (validated), described with what the event does, and the acknowledgement's shape. */
export const clientEvents = {
  join_conversation: {
    input: input.conversationRef.describe(
      "Joins the conversation's room, so the socket hears its events (participants only). " +
        "conversation_joined to the joiner; user_joined to the others in the room.",
    ),
    ack: wire.joinedPayload,
  },
  leave_conversation: {
    input: input.conversationRef.describe(
      "Leaves the room only (the user stays a participant). conversation_left to the leaver; user_left to the others.",
    ),
    ack: ref,
  },
  send_message: {
    input: input.sendMessageInput.describe(
      "Sends a message: new_message to the whole room, sender included, once stored. " +
        "A clientMessageId the sender used before answers the stored message with duplicate: true; " +
        "nothing is stored or broadcast again.",
    ),
    ack: z.object({ message: wire.message, duplicate: z.boolean() }),
  },
  edit_message: {
    input: messageInput.editMessageInput.describe(
      "The sender, while an unblocked participant, replaces the text of a text message: message_edited to the " +
        "room (sequenced); the message gains editedAt.",
    ),
    ack: changes.messageEditedPayload,
  },
  delete_message: {
    input: messageInput.messageRef.describe(
      "The sender or an admin of the group deletes a message: message_deleted to the room (sequenced). The " +
        "message stays as a tombstone; its text, audio URL and reactions are erased.",
    ),
    ack: changes.messageDeletedPayload,
  },
  add_reaction: {
    input: messageInput.reactionInput.describe(
      "Reacts with one emoji (at most 20 different per message): reaction_added to the room (sequenced). " +
        "The same reaction again answers duplicate: true and seq: null, neither stored nor broadcast.",
    ),
    ack: changes.reactionAck,
  },
  remove_reaction: {
    input: messageInput.reactionInput.describe(
      "Takes my reaction back: reaction_removed to the room (sequenced); one that is not there answers " +
        "duplicate: true.",
    ),
    ack: changes.reactionAck,
  },
  typing: {
    input: messageInput.typingInput.describe(
      "Typing or recording in a conversation, or stopped: typing to the room but the typist's own devices " +
        "(volatile, never stored). Refresh it every few seconds: it expires after 6 s without one.",
    ),
    ack: live.typingPayload.omit({ userId: true }),
  },
  mark_message_read: {
    input: input.markReadInput.describe(
      "Marks one message read (and moves the read pointer up to it): message_read to the room, once per user " +
        "and message; a repeat answers duplicate: true with the first readAt.",
    ),
    ack: wire.messageReadPayload.extend({ duplicate: z.boolean() }),
  },
  mark_read: {
    input: input.pointerInput.describe(
      "Moves my read pointer (and delivered pointer) up to seq: read_up_to to the room and my other devices, coalesced.",
    ),
    ack: ref.extend({ readSeq: z.number(), unreadCount: z.number() }),
  },
  mark_delivered: {
    input: input.pointerInput.describe(
      "Moves my delivered pointer up to seq: delivered_up_to to the room and my other devices, coalesced.",
    ),
    ack: ref.extend({ deliveredSeq: z.number() }),
  },
  sync: {
    input: input.syncInput.describe(
      "For each listed conversation (id -> the last seq held), the stored events after it, oldest first, in " +
        "pages of at most limit; also the caller's unlisted conversations and the listed ones now gone. No broadcast.",
    ),
    ack: wire.syncResult,
  },
  add_participants: {
    input: input.addParticipantsInput.describe(
      "Admin: adds people (re-admits those who left). participant_added to the room; conversation_added to " +
        "each new participant's devices.",
    ),
    ack: z.object({ added: z.array(wire.participant) }),
  },
  remove_participant: {
    input: input.participantRef.describe(
      "Admin: removes a participant. participant_removed (reason removed) to the room and the removed user's " +
        "devices, which leave the room.",
    ),
    ack: participantRef,
  },
  change_role: {
    input: input.changeRoleInput.describe(
      "Admin: promotes or demotes a participant (the last admin cannot demote themself). role_changed to the " +
        "room and that user's devices.",
    ),
    ack: participantRef.extend({ role: wire.role }),
  },
  update_conversation: {
    input: input.updateConversationInput.describe(
      "Admin: renames the group. conversation_updated to the room.",
    ),
    ack: ref.extend({ title: z.string().nullable() }),
  },
  quit_conversation: {
    input: input.conversationRef.describe(
      "Leaves the conversation for good: participant_removed (reason left) to the room.",
    ),
    ack: ref,
  },
  block_conversation: {
    input: input.conversationRef.describe(
      "Blocks the conversation for me: conversation_blocked to my own devices only.",
    ),
    ack: wire.blockState,
  },
  unblock_conversation: {
    input: input.conversationRef.describe("Lifts my block: conversation_unblocked to my own devices only."),
    ack: wire.blockState,
  },
} as const

/** Server -> client: each event's payload, described with when it is sent. */
export const serverEvents = {
  conversation_joined: wire.joinedPayload.describe("To the joining socket, after join_conversation."),
  conversation_left: ref.describe("To the leaving socket, after leave_conversation."),
  new_message: wire.newMessagePayload.describe(
    "To the conversation's room, sender included, once the message is stored (sequenced).",
  ),
  message_edited: changes.messageEditedPayload.describe(
    "To the room when a message is edited (sequenced). One payload for the room: reactions' me is false.",
  ),
  message_deleted: changes.messageDeletedPayload.describe(
    "To the room when a message is deleted by its sender or an admin (sequenced).",
  ),
  reaction_added: changes.reactionPayload.describe(
    "To the room when someone reacts (sequenced); count is how many now react with that emoji.",
  ),
  reaction_removed: changes.reactionPayload.describe(
    "To the room when someone takes a reaction back (sequenced); count is how many still react with it.",
  ),
  typing: live.typingPayload.describe(
    "To the room but the typist's devices when someone types, records or stops; stopped also when the state " +
      "expires (6 s), its device disconnects or its author sends a message there (volatile, no seq).",
  ),
  presence: live.presencePayload.describe(
    "To the devices of every user who shares a conversation with userId: online when their first device " +
      "connects, offline with lastSeenAt once their last has been gone for PRESENCE_GRACE_MS (volatile, no seq).",
  ),
  message_read: wire.messageReadPayload.describe(
    "To the room, the first time a user marks a message read (mark_message_read).",
  ),
  read_up_to: wire.pointerMovedPayload.describe(
    "To the room and the reader's devices when a read pointer moves: the first move at once, then at most " +
      "one every 250 ms per user, conversation and pointer (volatile, no seq).",
  ),
  delivered_up_to: wire.pointerMovedPayload.describe(
    "To the room and the user's devices when a delivered pointer moves, coalesced like read_up_to.",
  ),
  user_joined: wire.userPresencePayload.describe(
    "To the others in the room when a socket joins it (volatile, no seq).",
  ),
  user_left: wire.userPresencePayload.describe(
    "To the others in the room when a socket leaves it or disconnects (volatile, no seq).",
  ),
  error: wire.errorBody
    .extend({ event: z.string().optional() })
    .describe(
      "To the socket, for every refused event (with the event's name), as well as its acknowledgement.",
    ),
  server_shutdown: z
    .object({ reconnectAfterMs: z.number() })
    .describe(
      "To every socket when the server is stopping: it answers what is in flight, then disconnects; " +
        "reconnect after the delay and send again.",
    ),
  participant_added: wire.participantAddedPayload.describe(
    "To the room when someone is added or re-admitted (sequenced).",
  ),
  participant_removed: wire.participantRemovedPayload.describe(
    "To the room and the departed user's devices when a participant is removed or leaves for good (sequenced).",
  ),
  role_changed: wire.roleChangedPayload.describe(
    "To the room and that user's devices when a role changes (sequenced).",
  ),
  conversation_updated: wire.conversationUpdatedPayload.describe(
    "To the room when the group is renamed (sequenced).",
  ),
  conversation_added: z
    .object({ conversation: wire.conversation, by: wire.publicUser })
    .describe("To a new participant's devices when a conversation is created with them or they are added."),
  conversation_blocked: ref.describe("To the blocker's own devices after block_conversation."),
  conversation_unblocked: ref.describe("To the blocker's own devices after unblock_conversation."),
  conversation_muted: mute.muteState.describe(
    "To the user's own devices when they mute or unmute a conversation (PATCH /api/conversations/:id/me); " +
      "mutedUntil is null when not muted.",
  ),
  user_updated: z
    .object({
      user: wire.publicUser,
      locale: z
        .string()
        .nullable()
        .optional()
        .describe("To their own devices only, when the language changed."),
    })
    .describe(
      "When a user changes their display name: to the devices of everyone who shares a conversation with " +
        "them (email hidden) and to their own devices; a new email or language goes to their own devices only.",
    ),
} as const

export type ClientEventName = keyof typeof clientEvents
export type ServerEventName = keyof typeof serverEvents
