/**
 * Closes what outlives its token with one timer for all of them, rather than a timer (and its closure)
 * per socket: at 10,000 idle sockets those were a measurable share of their memory (issue 17).
 * Entries wait in buckets of one second, and the timer is armed for the earliest bucket.
 */

const MAX_TIMEOUT_MS = 2 ** 31 - 1

export interface Expiries<T> {
  /** Calls `expire(item)` once `at` (ms since the epoch) has passed. */
  watch(item: T, at: number): void
  /** Forgets `item` (watched with the same `at`): it ended before its expiry. */
  forget(item: T, at: number): void
  /** How many items are watched. */
  readonly size: number
  stop(): void
}

/**
 * One shared timer for many expiries; `expire` is called for each item whose time has come. An `expire`
 * that throws is reported to `onError` and the sweep goes on: one failure must not leave the other
 * items, or every later bucket, unexpired.
 */
export function createExpiries<T>(
  expire: (item: T) => void,
  onError: (err: unknown) => void = () => {},
): Expiries<T> {
  // A bucket holds the items that expire within one second; `seconds` lists the buckets in order.
  const buckets = new Map<number, Set<T>>()
  const seconds: number[] = []
  let size = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let armedFor: number | undefined

  const bucketOf = (at: number) => Math.ceil(at / 1000)

  function arm() {
    const first = seconds[0]
    if (first === armedFor) return
    clearTimeout(timer)
    armedFor = first
    if (first === undefined) return
    const delay = first * 1000 - Date.now()
    // Timers longer than 2^31-1 ms fire at once: wait in steps.
    timer =
      delay > MAX_TIMEOUT_MS
        ? setTimeout(() => {
            armedFor = undefined
            arm()
          }, MAX_TIMEOUT_MS)
        : setTimeout(sweep, Math.max(0, delay))
  }

  function sweep() {
    armedFor = undefined
    const now = Date.now()
    while (seconds.length > 0 && seconds[0]! * 1000 <= now) {
      const second = seconds.shift()!
      const due = buckets.get(second)!
      buckets.delete(second)
      size -= due.size
      for (const item of due) {
        try {
          expire(item)
        } catch (err) {
          onError(err)
        }
      }
    }
    arm()
  }

  /** Where `second` is or would go in `seconds`. */
  function position(second: number): number {
    let low = 0
    let high = seconds.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (seconds[mid]! < second) low = mid + 1
      else high = mid
    }
    return low
  }

  return {
    watch(item, at) {
      const second = bucketOf(at)
      let bucket = buckets.get(second)
      if (!bucket) {
        bucket = new Set()
        buckets.set(second, bucket)
        seconds.splice(position(second), 0, second)
      }
      if (bucket.has(item)) return
      bucket.add(item)
      size++
      arm()
    },
    forget(item, at) {
      const second = bucketOf(at)
      const bucket = buckets.get(second)
      if (!bucket?.delete(item)) return
      size--
      if (bucket.size > 0) return
      buckets.delete(second)
      seconds.splice(position(second), 1)
      arm()
    },
    get size() {
      return size
    },
    stop() {
      clearTimeout(timer)
      timer = undefined
      armedFor = undefined
      buckets.clear()
      seconds.length = 0
      size = 0
    },
  }
}
