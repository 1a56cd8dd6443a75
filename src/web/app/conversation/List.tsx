/** The conversation list: name, last message, unread count, online dot, muted state. */
import { t } from "../core/i18n.ts"
import { askPermission, permission, summary } from "../core/notify.ts"
import { followLink } from "../core/router.ts"
import { type ConversationItem, conversationName, conversations, isMuted, me, online } from "../core/state.ts"

/** For a direct conversation, whether the other person is online. */
const otherOnline = (c: ConversationItem) => {
  if (c.type !== "direct") return false
  const other = c.participants.find((p) => p.id !== me.value?.id)
  return !!other && (online.value[other.id] ?? other.online)
}

const lastLine = (c: ConversationItem) => {
  const m = c.lastMessage
  if (!m) return t("summary.none")
  const text = summary(m, {
    voice: t("summary.voice"),
    file: t("summary.file"),
    deleted: t("summary.deleted"),
  })
  const who = m.sender.id === me.value?.id ? t("list.you") : c.type === "group" ? m.sender.displayName : ""
  return who ? `${who}: ${text}` : text
}

export function ConversationList({ selected, loaded }: { selected?: number; loaded: boolean }) {
  const list = conversations.value
  return (
    <nav class="list" aria-label={t("nav.conversations")}>
      {permission.value === "default" && (
        <button type="button" class="notify" onClick={() => askPermission()}>
          {t("list.notify")}
        </button>
      )}
      {!loaded && <p class="hint pad">{t("list.loading")}</p>}
      {loaded && !list.length && (
        <p class="pad">
          {t("list.empty")}{" "}
          <a href="/new" onClick={followLink}>
            {t("list.start")}
          </a>
        </p>
      )}
      <ul>
        {list.map((c) => {
          const unread = c.blocked ? 0 : c.unreadCount
          const muted = isMuted(c)
          const isOnline = otherOnline(c)
          return (
            <li key={c.id}>
              <a
                href={`/c/${c.id}`}
                onClick={followLink}
                class={unread ? "item unread" : "item"}
                aria-current={c.id === selected ? "page" : undefined}
              >
                <span class={isOnline ? "dot online" : "dot"} aria-hidden="true" />
                <span class="item-main">
                  <span class="item-name">{conversationName(c)}</span>
                  <span class="item-last">{lastLine(c)}</span>
                </span>
                <span class="item-side">
                  {muted && (
                    <span class="muted-icon" aria-hidden="true">
                      🔕
                    </span>
                  )}
                  {unread > 0 && (
                    <span class="badge" aria-hidden="true">
                      {unread > 999 ? "999+" : unread}
                    </span>
                  )}
                </span>
                <span class="sr-only">
                  {isOnline ? `, ${t("list.online")}` : ""}
                  {unread ? `, ${t("list.unread", { count: unread > 999 ? "999+" : unread })}` : ""}
                  {muted ? `, ${t("list.muted")}` : ""}
                </span>
              </a>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}
