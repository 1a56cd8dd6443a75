/** Rate limits kept in memory: token buckets for steady actions (failed logins: loginThrottle.ts). */
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

export type TokenBucket = ReturnType<typeof createTokenBucket>
