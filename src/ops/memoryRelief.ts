/**
 * A full garbage collection after a storm of closed sockets. JavaScriptCore collects the young
 * generation often but a full heap rarely, so after 1,000 sockets connect, join and close, tens of MB
 * of their garbage (engine sessions, buffers, handshake objects) stay resident for minutes, and
 * repeated storms stack up before a full collection comes. Once enough sockets have closed and the
 * closing has calmed down, one full collection (a few ms on a heap of this size) gives it back.
 */

export interface MemoryReliefOptions {
  /** Closed sockets since the last collection that make one worth it. */
  threshold?: number
  /** Wait this long after the last close, so one storm costs one collection. */
  calmMs?: number
  /** The collection; Bun's full, synchronous one by default. */
  collect?: () => void
}

/** Counts closed sockets; `stop()` cancels a pending collection. */
export function createMemoryRelief({
  threshold = 200,
  calmMs = 1000,
  collect = () => Bun.gc(true),
}: MemoryReliefOptions = {}) {
  let closed = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let collections = 0

  return {
    /** Full collections run so far (for the metrics). */
    get collections() {
      return collections
    },
    socketClosed(): void {
      closed++
      if (closed < threshold) return
      clearTimeout(timer)
      // Twice, a moment apart: what the first collection freed is swept and released by the second.
      const run = (again: boolean) => {
        timer = setTimeout(() => {
          timer = undefined
          closed = 0
          collections++
          collect()
          if (again) run(false)
        }, calmMs)
        timer.unref?.()
      }
      run(true)
    },
    stop(): void {
      clearTimeout(timer)
    },
  }
}

export type MemoryRelief = ReturnType<typeof createMemoryRelief>
