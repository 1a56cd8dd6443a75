/**
 * Event-loop stalls: a timer that should fire every 10 ms, and how late it fires. Anything that holds
 * the loop (a big batch encoded in one go, a checkpoint inside a commit, a full collection) delays
 * every socket's next frame by as much; the metrics give the longest since the last scrape.
 */

const INTERVAL_MS = 10

/** Starts sampling; `observe` hears each lateness in seconds. `stop()` ends it. */
export function monitorLoopStalls(observe: (seconds: number) => void = () => {}) {
  let max = 0
  let expected = performance.now() + INTERVAL_MS
  const timer = setInterval(() => {
    const now = performance.now()
    const late = Math.max(0, now - expected)
    expected = now + INTERVAL_MS
    if (late > max) max = late
    observe(late / 1000)
  }, INTERVAL_MS)
  timer.unref?.()
  return {
    /** The longest stall since the last call, in seconds; starts the next window. */
    takeMax(): number {
      const seconds = max / 1000
      max = 0
      return seconds
    },
    stop(): void {
      clearInterval(timer)
    },
  }
}

export type LoopStalls = ReturnType<typeof monitorLoopStalls>
