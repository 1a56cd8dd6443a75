/** The wire types: every socket event with its payload, and the shapes the HTTP API shares. */
import type { Server, Socket } from "socket.io"
import type { ErrorBody } from "./errors.ts"

export interface PublicUser {
  id: number
  email: string
  displayName: string | null
}

export type Role = "admin" | "member"

export interface Participant extends PublicUser {
  role: Role
  joinedAt: string
  online: boolean
}

export interface Message {
  id: number
  conversationId: number
  text: string | null
  audioUrl: string | null
  replyToMessageId: number | null
  sender: PublicUser
  /** ISO-8601 UTC. */
  createdAt: string
}

export interface Conversation {
  id: number
  type: "group" | "direct"
  title: string | null
  createdBy: number
  createdAt: string
  archivedAt: string | null
  participants: Participant[]
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody }
type AckFn<T extends object = object> = (response: Ack<T>) => void

export interface ClientToServerEvents {
  join_conversation: (payload: { conversationId: number }, ack?: AckFn<JoinedPayload>) => void
  leave_conversation: (payload: { conversationId: number }, ack?: AckFn<{ conversationId: number }>) => void
  send_message: (
    payload: { conversationId: number; text?: string; audioUrl?: string; replyToMessageId?: number },
    ack?: AckFn<{ message: Message }>,
  ) => void
  mark_message_read: (
    payload: { messageId: number },
    ack?: AckFn<MessageReadPayload & { duplicate: boolean }>,
  ) => void
  add_participants: (
    payload: { conversationId: number; userIds: number[] },
    ack?: AckFn<{ added: Participant[] }>,
  ) => void
  remove_participant: (payload: ParticipantRef, ack?: AckFn<ParticipantRef>) => void
  change_role: (
    payload: ParticipantRef & { role: Role },
    ack?: AckFn<ParticipantRef & { role: Role }>,
  ) => void
  update_conversation: (payload: TitleChange, ack?: AckFn<TitleChange>) => void
  quit_conversation: (payload: ConversationRef, ack?: AckFn<ConversationRef>) => void
  block_conversation: (
    payload: ConversationRef,
    ack?: AckFn<ConversationRef & { blocked: boolean; blockedByOther: boolean }>,
  ) => void
  unblock_conversation: (
    payload: ConversationRef,
    ack?: AckFn<ConversationRef & { blocked: boolean; blockedByOther: boolean }>,
  ) => void
}

type ConversationRef = { conversationId: number }
type ParticipantRef = { conversationId: number; userId: number }
type TitleChange = { conversationId: number; title: string | null }

export interface JoinedPayload {
  conversationId: number
  message: string
  participants: Participant[]
}

export interface MessageReadPayload {
  conversationId: number
  messageId: number
  userId: number
  readAt: string
}

export interface ServerToClientEvents {
  conversation_joined: (payload: JoinedPayload) => void
  conversation_left: (payload: { conversationId: number }) => void
  new_message: (payload: { conversationId: number; message: Message }) => void
  message_read: (payload: MessageReadPayload) => void
  user_joined: (payload: { conversationId: number; user: PublicUser }) => void
  user_left: (payload: { conversationId: number; user: PublicUser }) => void
  /** Every failure, with the event that caused it. */
  error: (payload: ErrorBody & { event?: string }) => void
  /** The server is stopping: it answers what is in flight, then disconnects; reconnect after the delay. */
  server_shutdown: (payload: { reconnectAfterMs: number }) => void
  participant_added: (payload: { conversationId: number; participant: Participant; by: PublicUser }) => void
  participant_removed: (payload: {
    conversationId: number
    userId: number
    by: PublicUser
    reason: "removed" | "left"
  }) => void
  role_changed: (payload: { conversationId: number; userId: number; role: Role; by: PublicUser }) => void
  conversation_updated: (payload: { conversationId: number; title: string | null; by: PublicUser }) => void
  conversation_added: (payload: { conversation: Conversation; by: PublicUser }) => void
  conversation_blocked: (payload: { conversationId: number }) => void
  conversation_unblocked: (payload: { conversationId: number }) => void
}

/** What the server keeps on each socket. */
export interface SocketData {
  user: PublicUser
  tokenExpiresAt: number
}

// biome-ignore lint/complexity/noBannedTypes: no inter-server events yet
type InterServerEvents = {}

/** The typed Socket.IO server and socket of this application. */
export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
