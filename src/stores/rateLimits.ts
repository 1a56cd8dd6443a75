/** Rate limits kept in memory: token buckets for steady actions, windows for failures. */
import { AppError } from "../errors.ts"

/** A token bucket per key: `perSecond` refill, up to `burst` at once. `perSecond` 0 disables it. */
export function createTokenBucket({
  perSecond,
  burst,
  what,
}: {
  perSecond: number
  burst: number
  what: string
}) {
  const buckets = new Map<string | number, { tokens: number; at: number }>()
  let sweptAt = Date.now()

  return {
    /** Takes one token for `key`, or throws RATE_LIMITED with the wait in `retryAfterMs`. */
    take(key: string | number): void {
      if (perSecond <= 0) return
      const now = Date.now()
      // Full buckets carry no information; drop them now and then so the map stays small.
      if (now - sweptAt > 60_000) {
        for (const [k, b] of buckets)
          if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) buckets.delete(k)
        sweptAt = now
      }
      const b = buckets.get(key) ?? { tokens: burst, at: now }
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond)
      b.at = now
      buckets.set(key, b)
      if (b.tokens < 1) {
        const retryAfterMs = Math.ceil(((1 - b.tokens) / perSecond) * 1000)
        throw new AppError("RATE_LIMITED", `Too many ${what}; retry in ${retryAfterMs} ms`, { retryAfterMs })
      }
      b.tokens -= 1
    },
  }
}

/** Counts failures per key in a fixed window; `check` throws once `max` is reached. */
export function createFailureWindow({
  max,
  windowMs,
  what,
}: {
  max: number
  windowMs: number
  what: string
}) {
  const windows = new Map<string, { count: number; resetAt: number }>()
  const current = (key: string, now: number) => {
    const w = windows.get(key)
    if (w && w.resetAt > now) return w
    windows.delete(key)
    return undefined
  }
  return {
    check(key: string): void {
      if (max <= 0) return
      const now = Date.now()
      const w = current(key, now)
      if (w && w.count >= max) {
        const retryAfterMs = w.resetAt - now
        throw new AppError("RATE_LIMITED", `Too many ${what}; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
          retryAfterMs,
        })
      }
    },
    fail(key: string): void {
      const now = Date.now()
      if (windows.size > 100_000) for (const k of [...windows.keys()]) current(k, now)
      const w = current(key, now) ?? { count: 0, resetAt: now + windowMs }
      w.count += 1
      windows.set(key, w)
    },
    reset(key: string): void {
      windows.delete(key)
    },
  }
}
