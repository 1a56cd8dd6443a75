/**
 * Token buckets for steady actions (failed logins: loginThrottle.ts). The buckets live in a store:
 * this process's memory by default, Redis when several nodes must share them (stores/redis/), so a
 * user cannot pass a limit by spreading sockets over nodes.
 */
import { AppError } from "../errors.ts"

/** Where buckets live; `take` answers 0 when a token was taken, or how long to wait for one. */
export interface BucketStore {
  take(bucket: string, perSecond: number, burst: number): Promise<number>
}

/** Buckets in this process's memory. */
export function createMemoryBuckets(): BucketStore {
  const buckets = new Map<string, { tokens: number; at: number }>()
  let sweptAt = Date.now()
  return {
    async take(bucket, perSecond, burst) {
      const now = Date.now()
      // Full buckets carry no information; drop them now and then so the map stays small.
      if (now - sweptAt > 60_000) {
        for (const [k, b] of buckets)
          if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) buckets.delete(k)
        sweptAt = now
      }
      const b = buckets.get(bucket) ?? { tokens: burst, at: now }
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond)
      b.at = now
      buckets.set(bucket, b)
      if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / perSecond) * 1000)
      b.tokens -= 1
      return 0
    },
  }
}

/** A token bucket per key: `perSecond` refill, up to `burst` at once. `perSecond` 0 disables it. */
export function createTokenBucket({
  name,
  perSecond,
  burst,
  what,
  store,
}: {
  /** Distinguishes this limit's buckets from the others' in a shared store. */
  name: string
  perSecond: number
  burst: number
  what: string
  store: BucketStore
}) {
  return {
    /** Takes one token for `key`, or rejects with RATE_LIMITED and the wait in `retryAfterMs`. */
    async consume(key: string | number): Promise<void> {
      if (perSecond <= 0) return
      const retryAfterMs = await store.take(`${name}:${key}`, perSecond, burst)
      if (retryAfterMs > 0)
        throw new AppError("RATE_LIMITED", `Too many ${what}; retry in ${retryAfterMs} ms`, { retryAfterMs })
    },
  }
}

export type TokenBucket = ReturnType<typeof createTokenBucket>
