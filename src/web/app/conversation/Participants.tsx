/**
 * The participants panel, opened from the conversation header ("Participants" button): who is in the
 * conversation (online dot, role), and what one may do there. Admins of a group rename it, add people
 * found in the directory, remove, promote and demote; anyone blocks, unblocks and leaves.
 * Props:
 * - conversationId: number
 * - conversation: ReadonlySignal<Conversation | undefined>, live (participants, roles, title kept up
 *   to date by the conversation view from the socket's events)
 * - onClose(): closes the panel (the view puts the focus back on the button that opened it)
 * Acts through the socket's requests (`chat.value.request`); the resulting events update `conversation`.
 */
import { type ReadonlySignal, useSignal } from "@preact/signals"
import { useEffect, useRef } from "preact/hooks"
import type { Conversation, Participant } from "../../../contract.ts"
import { messageOf } from "../core/api.ts"
import { t } from "../core/i18n.ts"
import { onChatEvent, refreshConversations } from "../core/live.ts"
import { navigate } from "../core/router.ts"
import { chat, conversations, me } from "../core/state.ts"
import { usePeopleSearch } from "../screens/peopleSearch.ts"
import { AddPeople, ParticipantRow } from "./ParticipantRow.tsx"
import "../screens/extra.css"
import "./participantsWords.ts"
import { Field } from "../core/Field.tsx"

export interface ParticipantsProps {
  conversationId: number
  conversation: ReadonlySignal<Conversation | undefined>
  onClose: () => void
}

export default function Participants({ conversationId, conversation, onClose }: ParticipantsProps) {
  const error = useSignal("")
  const confirmLeave = useSignal(false)
  const summary = conversations.value.find((c) => c.id === conversationId)
  const blocked = useSignal(summary?.blocked ?? false)
  const title = useSignal(conversation.value?.title ?? "")
  const search = usePeopleSearch(false)
  const heading = useRef<HTMLHeadingElement>(null)
  // When people went offline while the panel is open: presence events carry it, the conversation does not.
  const lastSeen = useSignal<Record<number, string>>({})

  useEffect(() => heading.current?.focus(), [])
  useEffect(
    () =>
      onChatEvent((event) => {
        if (event.type === "presence" && event.data.lastSeenAt)
          lastSeen.value = { ...lastSeen.value, [event.data.userId]: event.data.lastSeenAt }
      }),
    [],
  )

  const c = conversation.value
  const myId = me.value?.id
  const participants = c?.participants ?? []
  const mine = participants.find((p) => p.id === myId)
  const isGroup = c?.type === "group"
  const isAdmin = isGroup && mine?.role === "admin"
  const inIt = new Set(participants.map((p) => p.id))

  /** Runs a socket request, showing its refusal. */
  const act = async (run: () => Promise<unknown>) => {
    error.value = ""
    try {
      if (!chat.value) throw new Error("offline")
      await run()
    } catch (err) {
      error.value = messageOf(err)
    }
  }
  const request = () => chat.value!.request

  const rename = (e: Event) => {
    e.preventDefault()
    act(() => request()("update_conversation", { conversationId, title: title.value.trim() }))
  }
  const add = (userId: number) =>
    act(async () => {
      await request()("add_participants", { conversationId, userIds: [userId] })
      search.q.value = ""
    })
  const remove = (p: Participant) =>
    act(() => request()("remove_participant", { conversationId, userId: p.id }))
  const setRole = (p: Participant, role: "admin" | "member") =>
    act(() => request()("change_role", { conversationId, userId: p.id, role }))
  const toggleBlock = () =>
    act(async () => {
      const event = blocked.value ? "unblock_conversation" : "block_conversation"
      const answer = await request()(event, { conversationId })
      blocked.value = answer.blocked
      await refreshConversations().catch(() => {})
    })
  const leave = () =>
    act(async () => {
      await request()("quit_conversation", { conversationId })
      await refreshConversations().catch(() => {})
      navigate("/")
    })

  return (
    <section
      class="panel participants"
      aria-labelledby="participants-title"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose()
      }}
    >
      <div class="panel-head">
        <h2 id="participants-title" tabIndex={-1} ref={heading}>
          {t("participants.title")}
        </h2>
        <button type="button" onClick={onClose}>
          {t("participants.close")}
        </button>
      </div>

      {isAdmin && (
        <form class="inline-form" onSubmit={rename}>
          <Field label={t("participants.rename")} class="field" required maxLength={200} value={title} />
          <button type="submit">{t("participants.renameButton")}</button>
        </form>
      )}

      <ul class="members">
        {participants.map((p) => (
          <ParticipantRow
            key={p.id}
            participant={p}
            isMe={p.id === myId}
            isGroup={isGroup}
            canManage={isAdmin && p.id !== myId}
            lastSeenAt={lastSeen.value[p.id] ?? p.lastSeenAt}
            onRole={(role) => setRole(p, role)}
            onRemove={() => remove(p)}
          />
        ))}
      </ul>

      {isAdmin && <AddPeople search={search} exclude={inIt} onAdd={add} />}

      {blocked.value && <p>{t("participants.blocked")}</p>}
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <div class="button-row">
        <button type="button" onClick={toggleBlock}>
          {blocked.value ? t("participants.unblock") : t("participants.block")}
        </button>
        {confirmLeave.value ? (
          <span class="confirm">
            <span>{t("participants.leaveConfirm")}</span>{" "}
            <button type="button" class="danger" onClick={leave}>
              {t("participants.leaveYes")}
            </button>
            <button type="button" onClick={() => (confirmLeave.value = false)}>
              {t("participants.cancel")}
            </button>
          </span>
        ) : (
          <button type="button" class="danger" onClick={() => (confirmLeave.value = true)}>
            {t("participants.leave")}
          </button>
        )}
      </div>
    </section>
  )
}
