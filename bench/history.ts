// History scenario: page through a conversation with many stored messages at
// its newest end, its middle and its oldest end, timing each request.
import type { BigDb } from "./big-db.ts"
import { type LatencySummary, round } from "./histogram.ts"
import { timePages } from "./page-timing.ts"

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

export async function runHistory(db: BigDb, requests: number): Promise<HistoryResult> {
  const { timings, failures } = await timePages(db, requests, {
    positions: { newest: db.cursors.newest, middle: db.cursors.middle, oldest: db.cursors.oldest },
    path: (before) => `/api/conversations/${db.conversationId}/messages?before=${before}&limit=${PAGE}`,
    valid: (status, body: { messages?: { id: number }[] }, before) =>
      validPage(status, body.messages, before),
    expected: (before) => `a full page of ${PAGE} ids below ${before}, newest first`,
  })
  return {
    target: "real",
    messages: db.messages,
    dbSizeMB: db.dbSizeMB,
    insertMs: round(db.insertMs, 1),
    requestsPerPosition: requests,
    ...timings,
    failures,
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
