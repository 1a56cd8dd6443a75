/** The participants panel's parts: one person (online dot, last seen, role, an admin's buttons) and adding people. */
import type { Participant } from "../../../contract.ts"
import { formatTime, t } from "../core/i18n.ts"
import { online } from "../core/state.ts"
import { type PeopleSearch, personName } from "../screens/peopleSearch.ts"
import "./participantsWords.ts"
import { Field } from "../core/Field.tsx"

export interface ParticipantRowProps {
  participant: Participant
  isMe: boolean
  isGroup: boolean
  /** An admin of the group looking at someone else: promote, demote, remove. */
  canManage: boolean
  lastSeenAt: string | null
  onRole: (role: "admin" | "member") => void
  onRemove: () => void
}

export function ParticipantRow({
  participant: p,
  isMe,
  isGroup,
  canManage,
  lastSeenAt,
  onRole,
  onRemove,
}: ParticipantRowProps) {
  const name = personName(p)
  const isOnline = online.value[p.id] ?? p.online
  return (
    <li>
      <span class={isOnline ? "dot online" : "dot"} aria-hidden="true" />
      <span class="member-name">
        {name} {isMe && <span class="muted">{t("participants.you")}</span>}
        <span class="sr-only">, {isOnline ? t("participants.online") : t("participants.offline")}</span>
        {!isOnline && lastSeenAt && (
          <span class="last-seen muted">
            {t("participants.lastSeen", { time: formatTime(lastSeenAt, true) })}
          </span>
        )}
      </span>
      {p.role === "admin" && isGroup && <span class="role-badge">{t("participants.admin")}</span>}
      {canManage && (
        <span class="member-actions">
          {p.role === "admin" ? (
            <button type="button" onClick={() => onRole("member")}>
              {t("participants.demote", { name })}
            </button>
          ) : (
            <button type="button" onClick={() => onRole("admin")}>
              {t("participants.promote", { name })}
            </button>
          )}
          <button type="button" class="danger" onClick={onRemove}>
            {t("participants.remove", { name })}
          </button>
        </span>
      )}
    </li>
  )
}

/** An admin's search for people to add: everyone found who is not in the conversation yet, one button each. */
export function AddPeople({
  search,
  exclude,
  onAdd,
}: {
  search: PeopleSearch
  exclude: Set<number>
  onAdd: (userId: number) => void
}) {
  const found = search.results.value.filter((u) => !exclude.has(u.id))
  return (
    <div class="add-people">
      <Field label={t("participants.add")} class="field" type="search" autocomplete="off" value={search.q} />
      {search.q.value.trim() && (
        <ul class="found">
          {found.map((u) => (
            <li key={u.id}>
              <button type="button" onClick={() => onAdd(u.id)}>
                {t("participants.addOne", { name: personName(u) })}
              </button>
            </li>
          ))}
          {search.loaded.value && found.length === 0 && (
            <li class="muted">{t("participants.nobodyToAdd")}</li>
          )}
        </ul>
      )}
    </div>
  )
}
