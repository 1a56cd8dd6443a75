/** The conversations screen: the list, and the open conversation beside it (or alone on a phone). */
import { ConversationList } from "./List.tsx"

export function Home({ conversationId }: { conversationId?: number }) {
  return (
    <div class={conversationId ? "home has-open" : "home"}>
      <ConversationList selected={conversationId} />
      {conversationId ? <section class="view" aria-label="Conversation" /> : null}
    </div>
  )
}
