// History scenario: page through a conversation with many stored messages at
// its newest end, its middle and its oldest end, timing each request.
import type { BigDb } from "./big-db.ts"
import { type LatencySummary, round, summarize } from "./histogram.ts"
import { startServer } from "./servers.ts"

export type HistoryResult = {
  target: "real"
  messages: number
  dbSizeMB: number
  insertMs: number
  requestsPerPosition: number
  newest: LatencySummary
  middle: LatencySummary
  oldest: LatencySummary
  failures: string[]
}

const PAGE = 50
const WARM_UP = 50

export async function runHistory(db: BigDb, requests: number): Promise<HistoryResult> {
  const server = await startServer("real", db.files)
  const failures: string[] = []
  try {
    const timings: Record<keyof BigDb["cursors"], LatencySummary> = {
      newest: summarize([]),
      middle: summarize([]),
      oldest: summarize([]),
    }
    for (const position of ["newest", "middle", "oldest"] as const) {
      const before = db.cursors[position]
      const url = `${server.url}/api/conversations/${db.conversationId}/messages?before=${before}&limit=${PAGE}`
      const headers = { authorization: `Bearer ${db.owner.token}` }
      const samples: number[] = []
      let bad = 0
      for (let i = -WARM_UP; i < requests; i++) {
        // Warm-up requests pay for JIT and cold SQLite pages, not for the query: not counted.
        const t0 = performance.now()
        const res = await fetch(url, { headers })
        const body = (await res.json()) as { messages?: { id: number }[] }
        const ms = performance.now() - t0
        if (i >= 0) samples.push(ms)
        if (!validPage(res.status, body.messages, before)) bad++
      }
      if (bad > 0)
        failures.push(
          `${position}: ${bad} responses were not a full page of ${PAGE} ids below ${before}, newest first`,
        )
      timings[position] = summarize(samples)
    }
    return {
      target: "real",
      messages: db.messages,
      dbSizeMB: db.dbSizeMB,
      insertMs: round(db.insertMs, 1),
      requestsPerPosition: requests,
      ...timings,
      failures,
    }
  } finally {
    await server.stop()
  }
}

function validPage(status: number, messages: { id: number }[] | undefined, before: number): boolean {
  if (status !== 200 || !Array.isArray(messages) || messages.length !== PAGE) return false
  let prev = before
  for (const m of messages) {
    if (!(m.id < prev)) return false
    prev = m.id
  }
  return true
}
