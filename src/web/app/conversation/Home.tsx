/** The conversations screen: the list, and the open conversation beside it (alone on a narrow screen). */
import { t } from "../core/i18n.ts"
import { conversationsLoaded } from "../core/state.ts"
import "./words.ts"
import { ConversationList } from "./List.tsx"
import { ConversationView } from "./View.tsx"

export function Home({ conversationId }: { conversationId?: number }) {
  return (
    <main class={conversationId ? "home has-open" : "home"}>
      <h1 class="sr-only">{t("nav.conversations")}</h1>
      <ConversationList selected={conversationId} loaded={conversationsLoaded.value} />
      {conversationId ? (
        <ConversationView key={conversationId} id={conversationId} />
      ) : (
        <p class="view empty-view hint">{t("list.choose")}</p>
      )}
    </main>
  )
}
