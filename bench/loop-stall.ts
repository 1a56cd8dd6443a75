// Event-loop stalls of the real server during a timed phase, read from its /metrics (loopback needs
// no token): the longest stall, and how many 10 ms ticks came more than 20 ms late.

export type LoopStall = { maxMs: number; over20ms: number; ticks: number }

type Reading = { max: number; over20: number; count: number }

async function read(url: string): Promise<Reading | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text()
    const value = (re: RegExp) => Number(text.match(re)?.[1] ?? Number.NaN)
    const count = value(/^causerie_event_loop_stall_seconds_count (\S+)$/m)
    const upTo20 = value(/^causerie_event_loop_stall_seconds_bucket\{le="0\.02"\} (\S+)$/m)
    const max = value(/^causerie_event_loop_max_stall_seconds (\S+)$/m)
    if ([count, upTo20, max].some(Number.isNaN)) return undefined
    return { max, over20: count - upTo20, count }
  } catch {
    return undefined
  }
}

/** Starts a window (the server's max resets on each scrape); `end()` gives the window's figures. */
export async function watchLoopStall(url: string): Promise<{ end(): Promise<LoopStall | undefined> }> {
  const start = await read(url)
  return {
    async end() {
      const now = await read(url)
      if (!start || !now) return undefined
      return {
        maxMs: Math.round(now.max * 10_000) / 10,
        over20ms: now.over20 - start.over20,
        ticks: now.count - start.count,
      }
    },
  }
}
