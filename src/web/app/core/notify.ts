/**
 * Desktop notifications while the tab is hidden (never for a muted conversation), asked for on a
 * click (browsers ignore a request without a user gesture), and the unread count in the title.
 */
import { effect, signal } from "@preact/signals"
import { navigate } from "./router.ts"
import { type ChatMessage, conversationName, conversations, isMuted, totalUnread } from "./state.ts"

const supported = typeof Notification === "function"

/** "default" until asked, then what the user chose; "unsupported" without the API. */
export const permission = signal<NotificationPermission | "unsupported">(
  supported ? Notification.permission : "unsupported",
)

/** Asks for the permission: call it from a click. */
export async function askPermission(): Promise<void> {
  if (!supported) return
  permission.value = await Notification.requestPermission()
}

/** A short text for a message: its text, or what it carries. */
export function summary(
  message: ChatMessage,
  words: { voice: string; file: string; deleted: string },
): string {
  if (message.deletedAt) return words.deleted
  if (message.text) return message.text
  const first = message.attachments?.[0]
  if (message.audioUrl || first?.mime.startsWith("audio/")) return words.voice
  return first ? first.name : words.file
}

let wordsOf: () => { voice: string; file: string; deleted: string } = () => ({
  voice: "Voice message",
  file: "File",
  deleted: "Message deleted",
})
/** The words for summaries, in the current language (set by the words module). */
export const setSummaryWords = (words: typeof wordsOf) => {
  wordsOf = words
}

/** Raises a notification for a new message from someone else, if the tab is hidden and the conversation not muted. */
export function notifyMessage(conversationId: number, message: ChatMessage): void {
  if (!supported || permission.value !== "granted" || document.visibilityState === "visible") return
  const conversation = conversations.value.find((c) => c.id === conversationId)
  if (!conversation || isMuted(conversation)) return
  const sender = message.sender.displayName || message.sender.email || ""
  const name = conversationName(conversation)
  const notification = new Notification(conversation.type === "direct" ? sender || name : name, {
    body: `${conversation.type === "direct" ? "" : `${sender}: `}${summary(message, wordsOf())}`.slice(
      0,
      200,
    ),
    tag: `conversation-${conversationId}`,
  })
  notification.onclick = () => {
    focus()
    navigate(`/c/${conversationId}`)
    notification.close()
  }
}

// The title carries the unread count, so a background tab shows it.
effect(() => {
  const unread = totalUnread.value
  document.title = unread > 0 ? `(${unread > 999 ? "999+" : unread}) Causerie` : "Causerie"
})
