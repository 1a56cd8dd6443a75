/**
 * The live session: after sign-in, the socket (causerie/client: reconnects, retried sends, the sync
 * recipe), the conversation list kept up to date from its events, and the end of the session.
 */

import type { ChatEvent } from "../../../../client/events.ts"
import { connect } from "../../../../client/index.ts"
import type { OwnUser } from "../../../contract.ts"
import { http } from "./api.ts"
import { chat, conversations, me, online, status } from "./state.ts"

const listeners = new Set<(event: ChatEvent) => void>()

/** Hears every socket event (in order per conversation, once); returns the unsubscribe. */
export function onChatEvent(listener: (event: ChatEvent) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Reads the conversation list again (after a reconnect, a new conversation...). */
export async function refreshConversations(): Promise<void> {
  const list = await http.conversations.list()
  conversations.value = list
  const seen: Record<number, boolean> = { ...online.value }
  for (const c of list) for (const p of c.participants) seen[p.id] = p.online
  online.value = seen
}

/** Starts the session for `user`: the socket and the list. */
export function startSession(user: OwnUser): void {
  me.value = user
  if (chat.value) return
  status.value = "connecting"
  // The cookie authenticates the handshake (same origin): no token in the page.
  const client = connect({ url: location.origin, token: () => undefined })
  chat.value = client
  client.socket.on("connect", () => {
    status.value = "connected"
    refreshConversations().catch(() => {})
  })
  client.socket.on("disconnect", () => {
    if (chat.value === client) status.value = "reconnecting"
  })
  client.subscribe((event) => {
    for (const listener of listeners) listener(event)
  })
}

/** Ends the session here (the server's logout is the caller's business). */
export function endSession(): void {
  chat.value?.close()
  chat.value = null
  status.value = "offline"
  conversations.value = []
  online.value = {}
  me.value = null
}

/** Asks the server who is signed in (the cookie), then starts or ends the session. */
export async function boot(): Promise<void> {
  try {
    startSession((await http.me()).user)
  } catch {
    me.value = null
  }
}
