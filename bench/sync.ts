// Sync scenario: pages of 100 stored events after a seq, read from a conversation with many stored
// messages (at its oldest end, its middle and its newest end), timing each request.
import type { BigDb } from "./big-db.ts"
import type { LatencySummary } from "./histogram.ts"
import { timePages } from "./page-timing.ts"

export type SyncResult = {
  target: "real"
  messages: number
  pageSize: number
  requestsPerPosition: number
  oldest: LatencySummary
  middle: LatencySummary
  newest: LatencySummary
  failures: string[]
}

const PAGE = 100

export async function runSync(db: BigDb, requests: number): Promise<SyncResult> {
  const { timings, failures } = await timePages(db, requests, {
    positions: { oldest: 0, middle: Math.floor(db.messages / 2), newest: db.messages - PAGE - 1 },
    path: (after) => `/api/conversations/${db.conversationId}/events?after=${after}&limit=${PAGE}`,
    valid: (status, body: { events?: { seq: number }[] }, after) => gapless(status, body.events, after),
    expected: (after) => `${PAGE} events in seq order after ${after}`,
  })
  return {
    target: "real",
    messages: db.messages,
    pageSize: PAGE,
    requestsPerPosition: requests,
    ...timings,
    failures,
  }
}

function gapless(status: number, events: { seq: number }[] | undefined, after: number): boolean {
  if (status !== 200 || !Array.isArray(events) || events.length !== PAGE) return false
  return events.every((e, i) => e.seq === after + 1 + i)
}
