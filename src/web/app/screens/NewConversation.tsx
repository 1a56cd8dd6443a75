/**
 * Start a conversation (/new): find people in the directory, pick one for a direct conversation or
 * several (and a name) for a group, then open it at /c/:id. A direct conversation exists once per
 * pair: asking again opens the existing one (the server answers it).
 */
import { useSignal } from "@preact/signals"
import type { PublicUser } from "../../../contract.ts"
import { http, messageOf } from "../core/api.ts"
import { addWords, t } from "../core/i18n.ts"
import { refreshConversations } from "../core/live.ts"
import { navigate } from "../core/router.ts"
import { personName, usePeopleSearch } from "./peopleSearch.ts"
import "./extra.css"
import { Field } from "../core/Field.tsx"

addWords({
  en: {
    "new.find": "Find people",
    "new.findHint": "A name, the start of a name, or an exact email.",
    "new.results": "People",
    "new.none": "Nobody found.",
    "new.selected": "Chosen",
    "new.nobody": "Nobody chosen yet.",
    "new.unselect": "Remove {name}",
    "new.groupName": "Group name (optional)",
    "new.direct": "Start a direct conversation",
    "new.group": "Create the group",
    "new.directHint": "A direct conversation is with exactly one person.",
  },
  fr: {
    "new.find": "Trouver des personnes",
    "new.findHint": "Un nom, le début d’un nom, ou une adresse e-mail exacte.",
    "new.results": "Personnes",
    "new.none": "Personne trouvé.",
    "new.selected": "Choisis",
    "new.nobody": "Personne n’est encore choisi.",
    "new.unselect": "Retirer {name}",
    "new.groupName": "Nom du groupe (facultatif)",
    "new.direct": "Démarrer une conversation privée",
    "new.group": "Créer le groupe",
    "new.directHint": "Une conversation privée se fait avec une seule personne.",
  },
})

export default function NewConversation() {
  const search = usePeopleSearch()
  const chosen = useSignal<PublicUser[]>([])
  const title = useSignal("")
  const error = useSignal("")
  const busy = useSignal(false)

  const isChosen = (id: number) => chosen.value.some((u) => u.id === id)
  const toggle = (user: PublicUser) => {
    chosen.value = isChosen(user.id) ? chosen.value.filter((u) => u.id !== user.id) : [...chosen.value, user]
  }

  const start = async (type: "direct" | "group") => {
    busy.value = true
    error.value = ""
    try {
      const conversation = await http.conversations.create({
        type,
        participantIds: chosen.value.map((u) => u.id),
        ...(type === "group" && title.value.trim() ? { title: title.value.trim() } : {}),
      })
      await refreshConversations().catch(() => {})
      navigate(`/c/${conversation.id}`)
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      busy.value = false
    }
  }

  return (
    <main class="screen people-screen" aria-labelledby="new-title">
      <h1 id="new-title">{t("new.title")}</h1>
      <Field
        label={t("new.find")}
        class="field"
        type="search"
        autocomplete="off"
        aria-describedby="new-find-hint"
        value={search.q}
      />
      <p id="new-find-hint" class="hint">
        {t("new.findHint")}
      </p>
      {search.error.value && (
        <p class="error" role="alert">
          {search.error.value}
        </p>
      )}
      <fieldset class="people">
        <legend>{t("new.results")}</legend>
        {search.loaded.value && search.results.value.length === 0 && <p>{t("new.none")}</p>}
        <ul>
          {search.results.value.map((user) => (
            <li key={user.id}>
              <label>
                <input type="checkbox" checked={isChosen(user.id)} onChange={() => toggle(user)} />{" "}
                {personName(user)}
                {user.email && user.displayName ? <span class="muted"> {user.email}</span> : null}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <section aria-labelledby="new-chosen" class="chosen">
        <h2 id="new-chosen">{t("new.selected")}</h2>
        {chosen.value.length === 0 ? (
          <p class="muted">{t("new.nobody")}</p>
        ) : (
          <ul class="chips">
            {chosen.value.map((user) => (
              <li key={user.id}>
                {personName(user)}{" "}
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={t("new.unselect", { name: personName(user) })}
                  onClick={() => toggle(user)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <div class="button-row">
        <button
          type="button"
          class="primary"
          disabled={busy.value || chosen.value.length !== 1}
          aria-describedby="new-direct-hint"
          onClick={() => start("direct")}
        >
          {t("new.direct")}
        </button>
        <span id="new-direct-hint" class="sr-only">
          {t("new.directHint")}
        </span>
      </div>
      <form
        class="group-form"
        onSubmit={(e) => {
          e.preventDefault()
          start("group")
        }}
      >
        <Field label={t("new.groupName")} class="field" maxLength={200} value={title} />
        <button type="submit" disabled={busy.value || chosen.value.length === 0}>
          {t("new.group")}
        </button>
      </form>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
    </main>
  )
}
