/**
 * The wire types, inferred from the schemas (src/schemas/): every socket event with its payload
 * and acknowledgement, and the shapes the HTTP API shares. Nothing here is written twice.
 */
import type { Server, Socket } from "socket.io"
import type { z } from "zod"
import type { ErrorBody } from "./errors.ts"
import type * as changes from "./schemas/changes.ts"
import type { clientEvents, serverEvents } from "./schemas/events.ts"
import type * as input from "./schemas/inputs.ts"
import type * as live from "./schemas/live.ts"
import type * as parts from "./schemas/messageParts.ts"
import type * as mute from "./schemas/mute.ts"
import type * as peopleInput from "./schemas/peopleInputs.ts"
import type * as people from "./schemas/peopleWire.ts"
import type * as search from "./schemas/searchWire.ts"
import type * as uploads from "./schemas/uploads.ts"
import type * as wire from "./schemas/wire.ts"

export type PublicUser = z.output<typeof wire.publicUser>
export type OwnUser = z.output<typeof wire.ownUser>
export type Role = z.output<typeof wire.role>
export type Participant = z.output<typeof wire.participant>
export type Message = z.output<typeof wire.message>
export type ReactionSummary = z.output<typeof parts.reactionSummary>
export type ReplyPreview = z.output<typeof parts.replyPreview>
export type Attachment = z.output<typeof parts.attachment>
export type ReactionList = z.output<typeof changes.reactionList>
export type UserProfile = z.output<typeof live.userProfile>
export type SearchResults = z.output<typeof search.searchResults>
export type Conversation = z.output<typeof wire.conversation>
export type ConversationSummary = z.output<typeof wire.conversationSummary>
export type ConversationDetail = z.output<typeof wire.conversationDetail>
export type MuteState = z.output<typeof mute.muteState>
export type UploadAnswer = z.output<typeof uploads.uploadAnswer>
export type MessageReadPayload = z.output<typeof wire.messageReadPayload>
export type JoinedPayload = z.output<typeof wire.joinedPayload>
export type StoredEvent = z.output<typeof wire.storedEvent>
export type EventsPage = z.output<typeof wire.eventsPage>
export type SyncResult = z.output<typeof wire.syncResult>
export type ParticipantPointers = z.output<typeof wire.participantPointers>
export type Session = z.output<typeof wire.session>
export type RegistrationInfo = z.output<typeof wire.registrationInfo>
export type HistoryPage = z.output<typeof wire.historyPage>
export type AdminUser = z.output<typeof people.adminUser>
export type AdminUsersPage = z.output<typeof people.adminUsersPage>
export type Invite = z.output<typeof people.invite>
export type CreatedInvite = z.output<typeof people.createdInvite>
export type ResetToken = z.output<typeof people.resetToken>
export type CreatedUser = z.output<typeof people.createdUser>
export type AuditEvent = z.output<typeof people.auditEvent>
export type AuditPage = z.output<typeof people.auditPage>

/** What a client may send in HTTP bodies (the schemas' input: defaults may be left out). */
export type RegisterBody = z.input<typeof input.registerInput>
export type LoginBody = z.input<typeof input.loginInput>
export type ChangePasswordBody = z.input<typeof input.changePasswordInput>
export type CreateConversationBody = z.input<typeof input.createConversationInput>
export type UpdateMeBody = z.input<typeof peopleInput.updateMeInput>
export type ResetPasswordBody = z.input<typeof peopleInput.resetPasswordInput>
export type CreateInviteBody = z.input<typeof peopleInput.createInviteInput>
export type CreateUserBody = z.input<typeof peopleInput.createUserInput>

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody }
type AckFn<T extends object = object> = (response: Ack<T>) => void

type ClientEvents = typeof clientEvents
type ServerEvents = typeof serverEvents

/** What a client may send for an event (the schema's input), and what its acknowledgement holds. */
export type ClientPayload<E extends keyof ClientEvents> = z.input<ClientEvents[E]["input"]>
export type AckPayload<E extends keyof ClientEvents> = z.output<ClientEvents[E]["ack"]>
export type ServerPayload<E extends keyof ServerEvents> = z.output<ServerEvents[E]>

export type ClientToServerEvents = {
  [E in keyof ClientEvents]: (payload: ClientPayload<E>, ack?: AckFn<AckPayload<E>>) => void
}
export type ServerToClientEvents = {
  [E in keyof ServerEvents]: (payload: ServerPayload<E>) => void
}

/** What the server keeps on each socket. */
export interface SocketData {
  user: PublicUser
  tokenExpiresAt: number
  /** The id of the token it authenticated with, so that revoking the token closes the socket. */
  tokenId?: string
}

/** Between nodes (several nodes on Redis): a conversation's membership changed on the sender. */
export interface InterServerEvents {
  membership_changed: (conversationId: number) => void
  /** A user's new display name, for their sockets on every node. */
  user_renamed: (userId: number, displayName: string | null) => void
  /** A token logged out on one node: the others read the list again and close its sockets. */
  token_revoked: (userId: number, tokenId: string) => void
}

/** The typed Socket.IO server and socket of this application. */
export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
