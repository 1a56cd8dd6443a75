// Timing pages of the big conversation at several positions, as the history and sync scenarios do.
import type { BigDb } from "./big-db.ts"
import { type LatencySummary, summarize } from "./histogram.ts"
import { startServer } from "./servers.ts"

// Untimed requests first: they pay for JIT and cold SQLite pages, not for the query.
const WARM_UP = 50

export interface PagesToTime<P extends string, Body> {
  /** Each position's cursor, in the order to time them. */
  positions: Record<P, number>
  /** The path of the page at a cursor. */
  path: (cursor: number) => string
  /** Whether an answer is the page it should be. */
  valid: (status: number, body: Body, cursor: number) => boolean
  /** What a wrong answer failed to be, for the failure line. */
  expected: (cursor: number) => string
}

/**
 * Starts the real server on the big database and times `requests` GETs of each position's page as
 * its owner; every answer, warm-up included, is checked, and a position with wrong ones is a failure.
 */
export async function timePages<P extends string, Body>(
  db: BigDb,
  requests: number,
  { positions, path, valid, expected }: PagesToTime<P, Body>,
): Promise<{ timings: Record<P, LatencySummary>; failures: string[] }> {
  const server = await startServer("real", db.files)
  const headers = { authorization: `Bearer ${db.owner.token}` }
  const timings = {} as Record<P, LatencySummary>
  const failures: string[] = []
  try {
    for (const [position, cursor] of Object.entries(positions) as [P, number][]) {
      const url = `${server.url}${path(cursor)}`
      const samples: number[] = []
      let bad = 0
      for (let i = -WARM_UP; i < requests; i++) {
        const t0 = performance.now()
        const res = await fetch(url, { headers })
        const body = (await res.json()) as Body
        const ms = performance.now() - t0
        if (i >= 0) samples.push(ms)
        if (!valid(res.status, body, cursor)) bad++
      }
      if (bad > 0) failures.push(`${position}: ${bad} responses were not ${expected(cursor)}`)
      timings[position] = summarize(samples)
    }
    return { timings, failures }
  } finally {
    await server.stop()
  }
}
