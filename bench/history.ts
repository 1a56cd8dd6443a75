// History scenario: page through a conversation with many stored messages at
// its newest end, its middle and its oldest end, timing each request.
import type { BigDb } from "./big-db.ts"
import { type LatencySummary, round, summarize } from "./histogram.ts"
import { startServer } from "./servers.ts"
import { timeGets } from "./timed-gets.ts"

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
      const { latency, bad } = await timeGets<{ messages?: { id: number }[] }>(
        `${server.url}/api/conversations/${db.conversationId}/messages?before=${before}&limit=${PAGE}`,
        db.owner.token,
        { requests, warmUp: WARM_UP },
        (status, body) => validPage(status, body.messages, before),
      )
      if (bad > 0)
        failures.push(
          `${position}: ${bad} responses were not a full page of ${PAGE} ids below ${before}, newest first`,
        )
      timings[position] = latency
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
