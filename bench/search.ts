// Search scenario: full-text queries over the big conversation, through GET /api/search, timing
// each request: common and rare words, one message among a million, a prefix, a phrase, two words,
// no match, the next page, and a search within the conversation; the target is on the p99 of all of
// them together. A deep page (a cursor in the middle, for a word in most messages) is timed apart:
// the FTS5 of libSQL's SQLite (3.45) walks the term's postings from the newest to the cursor.
import type { BigDb } from "./big-db.ts"
import { type LatencySummary, summarize } from "./histogram.ts"
import { startServer } from "./servers.ts"

export type SearchResult = {
  target: "real"
  messages: number
  requestsPerQuery: number
  queries: (LatencySummary & { name: string; q: string; hits: number; apart: boolean })[]
  all: LatencySummary
  failures: string[]
}

const WARM_UP = 20

/** Each query: what it exercises, and its parameters; "deep page" is timed apart from the rest. */
function queries(db: BigDb, nextBefore: string): [string, Record<string, string>][] {
  const middle = String(db.cursors.middle)
  const unique = String(Math.floor(db.messages / 3)) // each message ends with its own number
  return [
    ["common word", { q: "le" }],
    ["rare word", { q: "soiree" }],
    ["one message", { q: unique }],
    ["prefix", { q: "proj*" }],
    ["phrase", { q: '"le projet"' }],
    ["two words", { q: "cafe demain" }],
    ["no match", { q: "zanzibar" }],
    ["next page", { q: "le", before: nextBefore }],
    ["in conversation", { q: "soiree", conversationId: String(db.conversationId) }],
    ["deep page", { q: "le", before: middle }],
  ]
}

export async function runSearch(db: BigDb, requests: number): Promise<SearchResult> {
  const server = await startServer("real", db.files)
  const failures: string[] = []
  const headers = { authorization: `Bearer ${db.owner.token}` }
  const everything: number[] = []
  try {
    const results: SearchResult["queries"] = []
    const first = await fetch(`${server.url}/api/search?q=le`, { headers })
    const { nextBefore } = (await first.json()) as { nextBefore?: number }
    for (const [name, params] of queries(db, String(nextBefore))) {
      const url = `${server.url}/api/search?${new URLSearchParams(params)}`
      const samples: number[] = []
      let hits = 0
      for (let i = -WARM_UP; i < requests; i++) {
        const t0 = performance.now()
        const res = await fetch(url, { headers })
        const body = (await res.json()) as { results?: unknown[] }
        const ms = performance.now() - t0
        if (i >= 0) samples.push(ms)
        if (res.status !== 200 || !Array.isArray(body.results)) {
          failures.push(`${name}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`)
          break
        }
        hits = body.results.length
      }
      // A query meant to match that matches nothing measures nothing.
      if (hits === 0 && name !== "no match") failures.push(`${name}: no results for ${params.q}`)
      const apart = name === "deep page"
      if (!apart) everything.push(...samples)
      results.push({ name, q: params.q!, hits, apart, ...summarize(samples) })
    }
    return {
      target: "real",
      messages: db.messages,
      requestsPerQuery: requests,
      queries: results,
      all: summarize(everything),
      failures,
    }
  } finally {
    await server.stop()
  }
}
