// Sync scenario: pages of 100 stored events after a seq, read from a conversation with many stored
// messages (at its oldest end, its middle and its newest end), timing each request.
import type { BigDb } from "./big-db.ts"
import { type LatencySummary, summarize } from "./histogram.ts"
import { startServer } from "./servers.ts"
import { timeGets } from "./timed-gets.ts"

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
const WARM_UP = 50

export async function runSync(db: BigDb, requests: number): Promise<SyncResult> {
  const server = await startServer("real", db.files)
  const failures: string[] = []
  const positions = { oldest: 0, middle: Math.floor(db.messages / 2), newest: db.messages - PAGE - 1 }
  const timings = { oldest: summarize([]), middle: summarize([]), newest: summarize([]) }
  try {
    for (const [position, after] of Object.entries(positions) as [keyof typeof positions, number][]) {
      const { latency, bad } = await timeGets<{ events?: { seq: number }[] }>(
        `${server.url}/api/conversations/${db.conversationId}/events?after=${after}&limit=${PAGE}`,
        db.owner.token,
        { requests, warmUp: WARM_UP },
        (status, body) => gapless(status, body.events, after),
      )
      if (bad > 0)
        failures.push(`${position}: ${bad} responses were not ${PAGE} events in seq order after ${after}`)
      timings[position] = latency
    }
    return {
      target: "real",
      messages: db.messages,
      pageSize: PAGE,
      requestsPerPosition: requests,
      ...timings,
      failures,
    }
  } finally {
    await server.stop()
  }
}

function gapless(status: number, events: { seq: number }[] | undefined, after: number): boolean {
  if (status !== 200 || !Array.isArray(events) || events.length !== PAGE) return false
  return events.every((e, i) => e.seq === after + 1 + i)
}
