/**
 * The page's shared state, as signals any screen may read (and re-render on): who is signed in,
 * their conversations, who is online, the socket and its status. core/live.ts keeps them up to date
 * from the socket's events; screens read them and call `http` / `chat` to act.
 */
import { computed, signal } from "@preact/signals"
import type { connect } from "../../../../client/index.ts"
import type { ConversationSummary, Message, OwnUser, Participant } from "../../../contract.ts"

export type Chat = ReturnType<typeof connect>

/** A message as the page holds it: the wire's (attachments included). */
export type ChatMessage = Message

/** A conversation in the list: the server's summary (pointers, unread count, last message, mute). */
export type ConversationItem = ConversationSummary

/** undefined while the page asks the server, null when nobody is signed in. */
export const me = signal<OwnUser | null | undefined>(undefined)

/** My conversations, most recently active first. */
export const conversations = signal<ConversationItem[]>([])

/** True once the list has been read from the server this session. */
export const conversationsLoaded = signal(false)

/** Online users by id (from participants and `presence`). */
export const online = signal<Record<number, boolean>>({})

/** The socket's state: the banner shows while `reconnecting`. */
export const status = signal<"offline" | "connecting" | "connected" | "reconnecting">("offline")

/** The socket client (`causerie/client`'s connect) while signed in. */
export const chat = signal<Chat | null>(null)

/** The conversation on screen (its view sets it), for unread counts and notifications. */
export const openConversation = signal<number | null>(null)

/** Messages from others not read yet, over every conversation (the title shows it). */
export const totalUnread = computed(() =>
  conversations.value.reduce((sum, c) => sum + (c.blocked ? 0 : c.unreadCount), 0),
)

/** A conversation's name as shown: its title, or for a direct one the other person's name. */
export function conversationName(c: {
  type: string
  title: string | null
  participants: Participant[]
}): string {
  if (c.title) return c.title
  const others = c.participants.filter((p) => p.id !== me.value?.id)
  return others.map((p) => p.displayName || p.email || `#${p.id}`).join(", ") || "…"
}

/** True while a conversation is muted. */
export const isMuted = (c: { mutedUntil?: string | null }): boolean =>
  !!c.mutedUntil && Date.parse(c.mutedUntil) > Date.now()
