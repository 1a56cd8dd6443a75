/** One message: sender, time, reply preview, text or attachments, reactions, ticks, and its actions. */
import { useSignal } from "@preact/signals"
import { useEffect, useRef } from "preact/hooks"
import { messageOf } from "../core/api.ts"
import { formatTime, t } from "../core/i18n.ts"
import { type ChatMessage, chat, me } from "../core/state.ts"
import { Attachments, SeedAudio } from "./Attachments.tsx"
import { RichText } from "./RichText.tsx"

export const QUICK_EMOJIS = ["👍", "❤️", "😂", "😮", "😢", "🎉"]

export type Tick = "sent" | "delivered" | "read"

export interface MessageItemProps {
  message: ChatMessage
  /** The message a search result or a quote led to: marked. */
  found?: boolean
  /** For my messages: how far the others got. */
  tick?: Tick
  /** May delete others' messages (an admin of the group). */
  canModerate: boolean
  onReply: (message: ChatMessage) => void
  onEdit: (message: ChatMessage) => void
  onError: (text: string) => void
  /** Shows another message of the conversation (the one quoted), loading older pages if needed. */
  onShow: (messageId: number) => void
}

const nameOf = (user: { displayName: string | null; email: string }) =>
  user.displayName || user.email || t("someone")

export function MessageItem({
  message,
  found = false,
  tick,
  canModerate,
  onReply,
  onEdit,
  onError,
  onShow,
}: MessageItemProps) {
  const picking = useSignal(false)
  const confirming = useSignal(false)
  const mine = message.sender.id === me.value?.id
  const deleted = !!message.deletedAt
  const headId = `mh-${message.id}`
  const picker = useRef<HTMLDivElement>(null)
  const reactButton = useRef<HTMLButtonElement>(null)
  // The opened picker takes the focus (its first emoji); Escape closes it.
  useEffect(() => {
    if (!picking.value) return
    picker.current?.querySelector("button")?.focus()
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return
      reactButton.current?.focus()
      picking.value = false
    }
    document.addEventListener("keydown", onEscape)
    return () => document.removeEventListener("keydown", onEscape)
  }, [picking.value])

  const run = async (work: () => Promise<unknown>) => {
    try {
      await work()
    } catch (err) {
      onError(messageOf(err))
    }
  }
  const react = (emoji: string, on: boolean) => {
    picking.value = false
    const client = chat.value
    if (client)
      run(() => client.request(on ? "add_reaction" : "remove_reaction", { messageId: message.id, emoji }))
  }
  const remove = () => {
    confirming.value = false
    const client = chat.value
    if (client) run(() => client.request("delete_message", { messageId: message.id }))
  }

  return (
    <article
      id={`m-${message.id}`}
      class={`msg${mine ? " mine" : ""}${found ? " found" : ""}`}
      aria-labelledby={headId}
      tabIndex={-1}
    >
      <header id={headId} class="msg-head">
        <span class="sender">{mine ? t("list.you") : nameOf(message.sender)}</span>{" "}
        <time dateTime={message.createdAt}>{formatTime(message.createdAt, true)}</time>
        {message.editedAt && !deleted && <span class="edited"> · {t("msg.edited")}</span>}
      </header>
      {message.replyTo && (
        <button type="button" class="quote" onClick={() => onShow(message.replyTo!.id)}>
          <span class="quote-name">
            {t("msg.replyTo", { name: message.replyTo.sender.displayName || t("someone") })}
          </span>
          <span class="quote-text">
            {message.replyTo.deleted
              ? t("msg.deleted")
              : message.replyTo.hasAudio
                ? t("msg.voice")
                : (message.replyTo.excerpt ?? "")}
          </span>
        </button>
      )}
      {deleted ? (
        <p class="body deleted">{t("msg.deleted")}</p>
      ) : (
        <div class="body">
          {message.text && <RichText text={message.text} />}
          {message.audioUrl && !message.attachments?.some((a) => a.url === message.audioUrl) && (
            <SeedAudio url={message.audioUrl} />
          )}
          {!!message.attachments?.length && <Attachments items={message.attachments} />}
        </div>
      )}
      {!deleted && message.reactions.length > 0 && (
        <ul class="reactions">
          {message.reactions.map((r) => (
            <li key={r.emoji}>
              <button type="button" aria-pressed={r.me} onClick={() => react(r.emoji, !r.me)}>
                {t("msg.reaction", { emoji: r.emoji, count: r.count })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <footer class="msg-foot">
        {mine && tick && (
          <span class={`tick ${tick}`} role="img" aria-label={t(`msg.${tick}`)} title={t(`msg.${tick}`)}>
            {tick === "sent" ? "✓" : "✓✓"}
          </span>
        )}
        {!deleted && (
          <span class="actions">
            <button type="button" onClick={() => onReply(message)}>
              {t("msg.reply")}
            </button>
            <button
              type="button"
              ref={reactButton}
              aria-expanded={picking.value}
              onClick={() => (picking.value = !picking.value)}
            >
              {t("msg.react")}
            </button>
            {mine && message.text !== null && (
              <button type="button" onClick={() => onEdit(message)}>
                {t("msg.edit")}
              </button>
            )}
            {(mine || canModerate) &&
              (confirming.value ? (
                <>
                  <button type="button" class="danger" onClick={remove}>
                    {t("msg.confirmDelete")}
                  </button>
                  <button type="button" onClick={() => (confirming.value = false)}>
                    {t("msg.cancel")}
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => (confirming.value = true)}>
                  {t("msg.delete")}
                </button>
              ))}
          </span>
        )}
      </footer>
      {picking.value && (
        <div class="picker" ref={picker}>
          {QUICK_EMOJIS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-label={t("msg.reactWith", { emoji })}
              onClick={() => react(emoji, !message.reactions.find((r) => r.emoji === emoji)?.me)}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </article>
  )
}
