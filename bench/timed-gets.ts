// Timing one GET over and over, as the history and sync scenarios page through the big conversation.
import { type LatencySummary, summarize } from "./histogram.ts"

/**
 * `requests` timed GETs of `url` as the bearer of `token`, after `warmUp` untimed ones (they pay for
 * JIT and cold SQLite pages, not for the query); `bad` counts the answers, warm-up included, that
 * `valid` refuses.
 */
export async function timeGets<Body>(
  url: string,
  token: string,
  { requests, warmUp }: { requests: number; warmUp: number },
  valid: (status: number, body: Body) => boolean,
): Promise<{ latency: LatencySummary; bad: number }> {
  const headers = { authorization: `Bearer ${token}` }
  const samples: number[] = []
  let bad = 0
  for (let i = -warmUp; i < requests; i++) {
    const t0 = performance.now()
    const res = await fetch(url, { headers })
    const body = (await res.json()) as Body
    const ms = performance.now() - t0
    if (i >= 0) samples.push(ms)
    if (!valid(res.status, body)) bad++
  }
  return { latency: summarize(samples), bad }
}
