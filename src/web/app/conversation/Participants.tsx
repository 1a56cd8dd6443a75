/**
 * The participants panel, opened from the conversation header ("Participants" button): list, add,
 * remove, promote, leave, block, rename for admins. Owned by the `web-extra` branch.
 * Props:
 * - conversationId: number
 * - conversation: ReadonlySignal<Conversation | undefined>, live (participants, roles, title kept up
 *   to date by the conversation view from the socket's events)
 * - onClose(): closes the panel (the view puts the focus back on the button that opened it)
 * Act through `chat.value.request("add_participants" | "remove_participant" | "change_role" |
 * "update_conversation" | "quit_conversation" | "block_conversation" | ..., {...})` (core/state.ts);
 * the resulting events update `conversation`.
 */
import type { ReadonlySignal } from "@preact/signals"
import type { Conversation } from "../../../contract.ts"
import { t } from "../core/i18n.ts"

export interface ParticipantsProps {
  conversationId: number
  conversation: ReadonlySignal<Conversation | undefined>
  onClose: () => void
}

export default function Participants({ conversation, onClose }: ParticipantsProps) {
  return (
    <section class="panel" aria-labelledby="participants-title">
      <h2 id="participants-title">{t("participants.title")}</h2>
      <ul>
        {conversation.value?.participants.map((p) => (
          <li key={p.id}>{p.displayName || p.email}</li>
        ))}
      </ul>
      <button type="button" onClick={onClose}>
        {t("participants.close")}
      </button>
    </section>
  )
}
