/**
 * Message search (/search?q=...): the query lives in the address (a reload or a shared link searches
 * again), results come newest first a page at a time, and each opens its conversation at /c/:id.
 * The server's snippet is escaped HTML with <mark> around matches: it is turned back into text and
 * <mark> elements here, never inserted as HTML.
 */
import { useSignal, useSignalEffect } from "@preact/signals"
import { useRef } from "preact/hooks"
import type { SearchResults } from "../../../contract.ts"
import { messageOf, request } from "../core/api.ts"
import { addWords, formatTime, t } from "../core/i18n.ts"
import { followLink, navigate, query } from "../core/router.ts"
import { conversationName, conversations, me } from "../core/state.ts"
import "./extra.css"
import { Field } from "../core/Field.tsx"

addWords({
  en: {
    "search.label": "Search messages",
    "search.button": "Search",
    "search.hint": 'Words (all must match), word* for a prefix, "an exact phrase", OR between two terms.',
    "search.results": "Results",
    "search.none": "No message found.",
    "search.more": "More results",
    "search.in": "in {name}",
    "search.count": "{count} results shown",
    "search.you": "You",
  },
  fr: {
    "search.label": "Rechercher dans les messages",
    "search.button": "Rechercher",
    "search.hint":
      "Des mots (tous doivent y être), mot* pour un début de mot, « une phrase exacte » entre guillemets droits, OR entre deux termes.",
    "search.results": "Résultats",
    "search.none": "Aucun message trouvé.",
    "search.more": "Plus de résultats",
    "search.in": "dans {name}",
    "search.count": "{count} résultats affichés",
    "search.you": "Vous",
  },
})

type Result = SearchResults["results"][number]

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
}
const unescapeHtml = (html: string) => html.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!)

/** The snippet as text and <mark> elements: every other tag the server could send stays text. */
export function Snippet({ html }: { html: string }) {
  const parts = html.split(/<mark>|<\/mark>/)
  return (
    <p class="snippet">
      {parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{unescapeHtml(part)}</mark> : unescapeHtml(part)))}
    </p>
  )
}

function resultPlace(r: Result): string {
  const known = conversations.value.find((c) => c.id === r.conversation.id)
  return known ? conversationName(known) : r.conversation.title || `#${r.conversation.id}`
}

export default function Search() {
  const q = query.value.get("q") ?? ""
  const text = useSignal(q)
  const results = useSignal<Result[]>([])
  const nextBefore = useSignal<number | null>(null)
  const error = useSignal("")
  const searched = useSignal(false)
  const busy = useSignal(false)

  const latest = useRef(0)
  const load = async (term: string, before?: number) => {
    const ask = ++latest.current
    busy.value = true
    error.value = ""
    try {
      const params = new URLSearchParams({ q: term })
      if (before) params.set("before", String(before))
      const page = await request<SearchResults>("GET", `/api/search?${params}`)
      // An answer to an earlier query that came late is dropped.
      if (ask !== latest.current) return
      results.value = before ? [...results.value, ...page.results] : page.results
      nextBefore.value = page.nextBefore
      searched.value = true
    } catch (err) {
      if (ask !== latest.current) return
      error.value = messageOf(err)
      if (!before) results.value = []
    } finally {
      if (ask === latest.current) busy.value = false
    }
  }

  useSignalEffect(() => {
    const term = query.value.get("q")?.trim() ?? ""
    text.value = term
    if (term) load(term)
    else {
      results.value = []
      searched.value = false
    }
  })

  return (
    <main class="screen search-screen" aria-labelledby="search-title">
      <h1 id="search-title">{t("search.title")}</h1>
      <search>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            const term = text.value.trim()
            if (term) navigate(`/search?${new URLSearchParams({ q: term })}`)
          }}
        >
          <Field
            label={t("search.label")}
            class="field"
            type="search"
            required
            maxLength={200}
            aria-describedby="search-hint"
            value={text}
          />
          <button type="submit" disabled={busy.value}>
            {t("search.button")}
          </button>
        </form>
      </search>
      <p id="search-hint" class="hint">
        {t("search.hint")}
      </p>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <section aria-labelledby="search-results-title" aria-busy={busy.value}>
        <h2 id="search-results-title" class="sr-only">
          {t("search.results")}
        </h2>
        <p class="sr-only" role="status">
          {searched.value ? t("search.count", { count: results.value.length }) : ""}
        </p>
        {searched.value && results.value.length === 0 && !error.value && <p>{t("search.none")}</p>}
        <ol class="results">
          {results.value.map((r) => (
            <li key={r.message.id}>
              <a href={`/c/${r.conversation.id}?m=${r.message.id}`} onClick={followLink}>
                <span class="result-head">
                  <strong>
                    {r.message.sender.id === me.value?.id
                      ? t("search.you")
                      : r.message.sender.displayName || `#${r.message.sender.id}`}
                  </strong>{" "}
                  {t("search.in", { name: resultPlace(r) })}{" "}
                  <time dateTime={r.message.createdAt}>{formatTime(r.message.createdAt, true)}</time>
                </span>
                <Snippet html={r.snippet} />
              </a>
            </li>
          ))}
        </ol>
        {nextBefore.value !== null && (
          <button type="button" disabled={busy.value} onClick={() => load(q, nextBefore.value!)}>
            {t("search.more")}
          </button>
        )}
      </section>
    </main>
  )
}
