/**
 * The live session: after sign-in, the socket (causerie/client: reconnects, retried sends, the sync
 * recipe) follows every conversation of the list, so unread counts, last messages and notifications
 * stay true; after a reconnect the follower syncs from its cursors and the missed events come through
 * here like live ones. Screens hear the same events through `onChatEvent`.
 */
import type { ChatEvent } from "../../../../client/events.ts"
import { connect } from "../../../../client/index.ts"
import type { OwnUser } from "../../../contract.ts"
import { CauserieError, http } from "./api.ts"
import { applyLocale } from "./i18n.ts"
import { notifyMessage } from "./notify.ts"
import { flushOutbox, outbox } from "./outbox.ts"
import { navigate } from "./router.ts"
import {
  type Chat,
  type ChatMessage,
  type ConversationItem,
  chat,
  conversations,
  conversationsLoaded,
  me,
  online,
  openConversation,
  status,
} from "./state.ts"

const listeners = new Set<(event: ChatEvent) => void>()

/** Hears every socket event (in order per conversation, once); returns the unsubscribe. */
export function onChatEvent(listener: (event: ChatEvent) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** True when the user is looking at this conversation right now. */
export const looking = (conversationId: number): boolean =>
  openConversation.value === conversationId && document.visibilityState === "visible"

/**
 * The conversation on screen has nothing unread: a list or sync page read before its mark_read
 * landed would say otherwise, so it is marked read again (the pointer only moves forward).
 */
function readIfLooking(c: ConversationItem): ConversationItem {
  if (!looking(c.id) || c.unreadCount === 0) return c
  chat.value?.markRead(c.id, c.lastSeq).catch(() => {})
  return { ...c, unreadCount: 0, readSeq: Math.max(c.readSeq, c.lastSeq) }
}

/** Reads of the list asked so far, and the newest; presence events heard so far, and the count at each user's last one. */
let listReads = 0
let newestRead: Promise<void> = Promise.resolve()
let presenceHeard = 0
const presenceAt = new Map<number, number>()

/**
 * Reads the conversation list again and follows every conversation in it. The list is read again on
 * many events, and answers may come late: one overtaken by a later read is dropped, and the presence
 * it carries does not undo a `presence` event heard after it was asked for.
 */
export function refreshConversations(): Promise<void> {
  const read = ++listReads
  const heard = presenceHeard
  // An overtaken read resolves with the newest: who waits for it gets the list as it now stands.
  newestRead = http.conversations
    .list()
    .then((answer) => (read === listReads ? showList(answer as ConversationItem[], heard) : newestRead))
  return newestRead
}

function showList(answer: ConversationItem[], heard: number): void {
  const list = answer.map(readIfLooking)
  conversations.value = list
  conversationsLoaded.value = true
  const seen: Record<number, boolean> = { ...online.value }
  for (const c of list)
    for (const p of c.participants)
      if (p.id !== me.value?.id && (presenceAt.get(p.id) ?? 0) <= heard) seen[p.id] = p.online
  online.value = seen
  const client = chat.value
  if (!client) return
  // Followed from what the list shows: events after it come live, or from sync after a reconnect.
  for (const c of list) if (client.cursor(c.id) === undefined) client.follow(c.id, c.lastSeq).catch(() => {})
}

const update = (id: number, change: (c: ConversationItem) => ConversationItem | null) => {
  let found = false
  const next: ConversationItem[] = []
  for (const c of conversations.value) {
    if (c.id !== id) next.push(c)
    else {
      found = true
      const changed = change(c)
      if (changed) next.push(changed)
    }
  }
  if (found) conversations.value = next
  return found
}

/** Moves a conversation to the top of the list (it just had news). */
const toTop = (id: number) => {
  const list = conversations.value
  const i = list.findIndex((c) => c.id === id)
  if (i > 0) conversations.value = [list[i]!, ...list.slice(0, i), ...list.slice(i + 1)]
}

function onEvent(event: ChatEvent): void {
  const mine = me.value?.id
  switch (event.type) {
    case "new_message": {
      const message = event.data.message as ChatMessage
      const id = event.conversationId
      const fromOther = message.sender.id !== mine
      const known = update(id, (c) => ({
        ...c,
        lastMessage: message,
        lastSeq: Math.max(c.lastSeq, event.seq),
        unreadCount: fromOther && !looking(id) ? c.unreadCount + 1 : c.unreadCount,
      }))
      if (!known) refreshConversations().catch(() => {})
      toTop(id)
      if (fromOther) {
        chat.value?.markDelivered(id, event.seq).catch(() => {})
        if (!event.replayed) notifyMessage(id, message)
      }
      break
    }
    case "message_edited":
    case "message_deleted": {
      const messageId = event.type === "message_edited" ? event.data.message.id : event.data.messageId
      update(event.conversationId, (c) =>
        c.lastMessage?.id === messageId
          ? {
              ...c,
              lastMessage:
                event.type === "message_edited"
                  ? event.data.message
                  : { ...c.lastMessage, text: null, audioUrl: null, deletedAt: new Date().toISOString() },
            }
          : c,
      )
      break
    }
    case "conversation_updated":
      update(event.conversationId, (c) => ({ ...c, title: event.data.title }))
      break
    case "participant_removed":
      if (event.data.userId === mine) update(event.conversationId, () => null)
      else refreshConversations().catch(() => {})
      break
    case "participant_added":
    case "role_changed":
      refreshConversations().catch(() => {})
      break
    case "synced":
      update(event.conversationId, (c) =>
        readIfLooking({
          ...c,
          unreadCount: event.page.unreadCount,
          readSeq: event.page.readSeq,
          lastSeq: Math.max(c.lastSeq, event.page.lastSeq),
        }),
      )
      break
    case "gone":
      update(event.conversationId, () => null)
      break
    case "unlisted":
      refreshConversations().catch(() => {})
      break
    case "presence":
      presenceAt.set(event.data.userId, ++presenceHeard)
      online.value = { ...online.value, [event.data.userId]: event.data.online }
      break
    case "read_up_to":
      // My other device read it: so did I.
      if (event.data.userId === mine)
        update(event.data.conversationId, (c) => ({
          ...c,
          readSeq: Math.max(c.readSeq, event.data.seq),
          unreadCount: event.data.seq >= c.lastSeq ? 0 : c.unreadCount,
        }))
      break
    case "user_updated": {
      // A new name (mine from another device, or someone's I talk with): the list shows names.
      const user = event.data.user
      const locale = event.data.locale
      if (user.id === mine && me.value) {
        me.value = {
          ...me.value,
          displayName: user.displayName,
          ...(user.email ? { email: user.email } : {}),
          ...(locale !== undefined ? { locale } : {}),
        }
        // The language chosen on another device shows here at once.
        if (locale !== undefined) applyLocale(locale)
      }
      refreshConversations().catch(() => {})
      break
    }
    case "conversation_added":
    case "conversation_blocked":
    case "conversation_unblocked":
      refreshConversations().catch(() => {})
      break
    case "conversation_muted":
      // Muted or unmuted on another of my devices.
      update(event.data.conversationId, (c) => ({ ...c, mutedUntil: event.data.mutedUntil }))
      break
  }
}

/** Requests under way that renew the session's cookie (a password change), settled or not. */
let renewals: Promise<unknown> = Promise.resolve()

/** Runs a request that gives the session a fresh cookie: a handshake refused meanwhile waits for it. */
export function renewingSession<T>(work: Promise<T>): Promise<T> {
  renewals = Promise.allSettled([renewals, work])
  return work
}

/**
 * A refused handshake. A password change revokes the older tokens and cuts this socket before its
 * answer brings the fresh cookie: on a slow machine the socket comes back in between, with the old
 * cookie, and is refused. So the renewal under way is waited for and the server asked who the cookie
 * is now; still someone, the socket comes back (once per refusal in a row); otherwise signed out here.
 */
async function refused(client: Chat, again: boolean): Promise<void> {
  await renewals
  // Only a 401 says the cookie is no one's: a failed request (a network hiccup) is not a sign-out.
  const signedIn =
    again &&
    (await http.me().then(
      () => true,
      (err) => !(err instanceof CauserieError && err.status === 401),
    ))
  if (chat.value !== client) return
  if (signedIn) client.socket.connect()
  else {
    endSession()
    navigate("/signin", true)
  }
}

/** Starts the session for `user`: the socket, the list, the queued messages. */
export function startSession(user: OwnUser): void {
  me.value = user
  applyLocale(user.locale)
  if (chat.value) return
  status.value = "connecting"
  // The cookie authenticates the handshake (same origin): no token in the page. WebSocket first: a
  // tab closed in the middle of the polling-to-WebSocket upgrade leaves the server waiting for the
  // heartbeat (45 s) before the user shows offline; polling stays as the fallback behind proxies.
  const client = connect({
    url: location.origin,
    token: () => undefined,
    socket: { transports: ["websocket", "polling"], tryAllTransports: true },
  })
  chat.value = client
  client.socket.on("connect", () => {
    status.value = "connected"
    triedAgain = false
    refreshConversations()
      .catch(() => {})
      .then(() => flushOutbox())
  })
  // A refused handshake (the session revoked elsewhere, the account disabled): back to signing in,
  // unless the cookie was renewed meanwhile (`refused`).
  let triedAgain = false
  client.socket.on("connect_error", (err) => {
    const code = (err as Error & { data?: { code?: string } }).data?.code
    if (code !== "UNAUTHORIZED" || chat.value !== client || client.socket.active) return
    const again = !triedAgain
    triedAgain = true
    refused(client, again).catch(() => {})
  })
  client.socket.on("disconnect", () => {
    if (chat.value === client) status.value = "reconnecting"
  })
  client.socket.io.on("reconnect_attempt", () => {
    if (chat.value === client) status.value = "reconnecting"
  })
  client.subscribe((event) => {
    onEvent(event)
    for (const listener of listeners) listener(event)
  })
}

/** Ends the session here (the server's logout is the caller's business). */
export function endSession(): void {
  chat.value?.close()
  chat.value = null
  status.value = "offline"
  conversations.value = []
  conversationsLoaded.value = false
  online.value = {}
  outbox.value = []
  me.value = null
}

/**
 * Asks the server who is signed in (the cookie), then starts or ends the session. A server that does
 * not answer (restarting, say) is asked again: only its 401 means signed out.
 */
export async function boot(): Promise<void> {
  try {
    startSession((await http.me()).user)
  } catch (err) {
    if (err instanceof CauserieError && err.status !== undefined && err.status < 500) me.value = null
    else {
      status.value = "reconnecting"
      setTimeout(boot, 2000)
    }
  }
}
