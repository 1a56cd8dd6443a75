/**
 * Finding people as one types (GET /api/users), shared by the new-conversation screen and the
 * participants panel: a short pause before asking, and only the latest answer is kept.
 */
import { type Signal, useSignal, useSignalEffect } from "@preact/signals"
import type { PublicUser } from "../../../contract.ts"
import { http, messageOf } from "../core/api.ts"

export interface PeopleSearch {
  q: Signal<string>
  results: Signal<PublicUser[]>
  error: Signal<string>
  /** True once the first answer came. */
  loaded: Signal<boolean>
}

/** A live directory search; with `everyone`, an empty query lists everyone the caller may find. */
export function usePeopleSearch(everyone = true): PeopleSearch {
  const q = useSignal("")
  const results = useSignal<PublicUser[]>([])
  const error = useSignal("")
  const loaded = useSignal(false)
  useSignalEffect(() => {
    const text = q.value.trim()
    if (!text && !everyone) {
      results.value = []
      return
    }
    let current = true
    const timer = setTimeout(() => {
      http.users
        .search(text || undefined, 20)
        .then((users) => {
          if (!current) return
          results.value = users
          error.value = ""
          loaded.value = true
        })
        .catch((err) => {
          if (current) error.value = messageOf(err)
        })
    }, 200)
    return () => {
      current = false
      clearTimeout(timer)
    }
  })
  return { q, results, error, loaded }
}

/** How a person is named on screen. */
export const personName = (u: { displayName: string | null; email: string; id: number }): string =>
  u.displayName || u.email || `#${u.id}`
