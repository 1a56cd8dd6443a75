/**
 * Start a conversation (/new): find people (http.users.search), then a direct or group conversation
 * (http.conversations.create), then `navigate(\`/c/${id}\`)`. Owned by the `web-extra` branch.
 * Props: none. The new conversation reaches the list by itself (core/live.ts refreshes it on
 * `conversation_added`); call `refreshConversations()` from core/live.ts to be sure before navigating.
 */
import { t } from "../core/i18n.ts"

export default function NewConversation() {
  return (
    <main class="screen" aria-labelledby="new-title">
      <h1 id="new-title">{t("new.title")}</h1>
    </main>
  )
}
