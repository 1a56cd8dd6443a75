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
import { addWords, formatTime, t } from "../core/i18n.ts"
import { onChatEvent, refreshConversations } from "../core/live.ts"
import { navigate } from "../core/router.ts"
import { chat, conversations, me, online } from "../core/state.ts"
import { personName, usePeopleSearch } from "../screens/peopleSearch.ts"
import "../screens/extra.css"

addWords({
  en: {
    "participants.you": "(you)",
    "participants.admin": "admin",
    "participants.online": "online",
    "participants.offline": "offline",
    "participants.rename": "Group name",
    "participants.renameButton": "Rename",
    "participants.add": "Add people",
    "participants.addOne": "Add {name}",
    "participants.remove": "Remove {name}",
    "participants.promote": "Make {name} admin",
    "participants.demote": "Remove admin rights from {name}",
    "participants.leave": "Leave the conversation",
    "participants.leaveConfirm": "Leave for good? You will receive nothing more from it.",
    "participants.leaveYes": "Yes, leave",
    "participants.cancel": "Cancel",
    "participants.block": "Block",
    "participants.unblock": "Unblock",
    "participants.blocked": "You blocked this conversation.",
    "participants.nobodyToAdd": "Nobody else found.",
    "participants.lastSeen": "last seen {time}",
  },
  fr: {
    "participants.you": "(vous)",
    "participants.admin": "admin",
    "participants.online": "en ligne",
    "participants.offline": "hors ligne",
    "participants.rename": "Nom du groupe",
    "participants.renameButton": "Renommer",
    "participants.add": "Ajouter des personnes",
    "participants.addOne": "Ajouter {name}",
    "participants.remove": "Retirer {name}",
    "participants.promote": "Nommer {name} admin",
    "participants.demote": "Retirer les droits d’admin de {name}",
    "participants.leave": "Quitter la conversation",
    "participants.leaveConfirm": "Quitter pour de bon ? Vous n’en recevrez plus rien.",
    "participants.leaveYes": "Oui, quitter",
    "participants.cancel": "Annuler",
    "participants.block": "Bloquer",
    "participants.unblock": "Débloquer",
    "participants.blocked": "Vous avez bloqué cette conversation.",
    "participants.nobodyToAdd": "Personne d’autre trouvé.",
    "participants.lastSeen": "vu {time}",
  },
})

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
          <label class="field">
            {t("participants.rename")}
            <input
              required
              maxLength={200}
              value={title}
              onInput={(e) => (title.value = (e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">{t("participants.renameButton")}</button>
        </form>
      )}

      <ul class="members">
        {participants.map((p) => {
          const name = personName(p)
          const isOnline = online.value[p.id] ?? p.online
          return (
            <li key={p.id}>
              <span class={isOnline ? "dot online" : "dot"} aria-hidden="true" />
              <span class="member-name">
                {name} {p.id === myId && <span class="muted">{t("participants.you")}</span>}
                <span class="sr-only">
                  , {isOnline ? t("participants.online") : t("participants.offline")}
                </span>
                {!isOnline && (lastSeen.value[p.id] ?? p.lastSeenAt) && (
                  <span class="last-seen muted">
                    {t("participants.lastSeen", {
                      time: formatTime((lastSeen.value[p.id] ?? p.lastSeenAt)!, true),
                    })}
                  </span>
                )}
              </span>
              {p.role === "admin" && isGroup && <span class="role-badge">{t("participants.admin")}</span>}
              {isAdmin && p.id !== myId && (
                <span class="member-actions">
                  {p.role === "admin" ? (
                    <button type="button" onClick={() => setRole(p, "member")}>
                      {t("participants.demote", { name })}
                    </button>
                  ) : (
                    <button type="button" onClick={() => setRole(p, "admin")}>
                      {t("participants.promote", { name })}
                    </button>
                  )}
                  <button type="button" class="danger" onClick={() => remove(p)}>
                    {t("participants.remove", { name })}
                  </button>
                </span>
              )}
            </li>
          )
        })}
      </ul>

      {isAdmin && (
        <div class="add-people">
          <label class="field">
            {t("participants.add")}
            <input
              type="search"
              autocomplete="off"
              value={search.q}
              onInput={(e) => (search.q.value = (e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          {search.q.value.trim() && (
            <ul class="found">
              {search.results.value
                .filter((u) => !inIt.has(u.id))
                .map((u) => (
                  <li key={u.id}>
                    <button type="button" onClick={() => add(u.id)}>
                      {t("participants.addOne", { name: personName(u) })}
                    </button>
                  </li>
                ))}
              {search.loaded.value && search.results.value.every((u) => inIt.has(u.id)) && (
                <li class="muted">{t("participants.nobodyToAdd")}</li>
              )}
            </ul>
          )}
        </div>
      )}

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
