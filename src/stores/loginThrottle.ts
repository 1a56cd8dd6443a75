/**
 * Failed logins. Each attempt is counted before the password is checked, in the same turn of the
 * event loop as the check of the limits, so requests in flight together cannot all slip under them.
 * Two keys: per (email, address) a hard limit, so one address cannot keep guessing one password;
 * per email a delay that doubles with each failure, from any address, so a distributed guesser is
 * slowed down while the owner, elsewhere, is never locked out for longer than `maxDelayMs`.
 */
import { AppError } from "../errors.ts"

export interface LoginThrottleOptions {
  /** Failures per (email, address) within the window before RATE_LIMITED; 0 disables. */
  maxPerAddress: number
  windowMs: number
  /** Failures per email (any address) within the window before each attempt must wait; 0 disables. */
  slowAfter: number
  /** The longest wait: the delay doubles from one second up to this. */
  maxDelayMs: number
}

interface Count {
  count: number
  resetAt: number
  /** Per email: no attempt before this time. */
  nextAt: number
}

const MAX_KEYS = 100_000

/** One attempt, counted as failed until the password matched. */
export interface LoginAttempt {
  succeeded(): Promise<void>
}

/**
 * The throttle: `attempt` rejects with RATE_LIMITED (with `retryAfterMs`) or counts the attempt as
 * failed. In this process's memory; stores/redis/loginThrottle.ts keeps the same counts in Redis.
 */
export interface LoginThrottle {
  attempt(email: string, address: string): Promise<LoginAttempt>
}

/** The refusal both stores give. */
export const loginLimited = (retryAfterMs: number, what: string) =>
  new AppError(
    "RATE_LIMITED",
    `Too many failed logins ${what}; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    {
      retryAfterMs,
    },
  )

/** The throttle in memory (one node). */
export function createLoginThrottle({
  maxPerAddress,
  windowMs,
  slowAfter,
  maxDelayMs,
}: LoginThrottleOptions): LoginThrottle {
  const pairs = new Map<string, Count>()
  const emails = new Map<string, Count>()

  const current = (map: Map<string, Count>, key: string, now: number): Count | undefined => {
    const c = map.get(key)
    if (c && c.resetAt > now) return c
    map.delete(key)
    return undefined
  }
  const sweep = (map: Map<string, Count>, now: number) => {
    if (map.size > MAX_KEYS) for (const key of [...map.keys()]) current(map, key, now)
  }
  const limited = loginLimited

  return {
    /**
     * Checks both limits and counts this attempt as a failure at once; call `succeeded` on the
     * answer once the password matched, which takes the attempt back.
     */
    async attempt(email: string, address: string): Promise<LoginAttempt> {
      const now = Date.now()
      const pairKey = `${email}\n${address}`
      const pair = current(pairs, pairKey, now)
      if (maxPerAddress > 0 && pair && pair.count >= maxPerAddress) {
        throw limited(pair.resetAt - now, "for this account from this address")
      }
      const byEmail = current(emails, email, now)
      if (slowAfter > 0 && byEmail && byEmail.nextAt > now) {
        throw limited(byEmail.nextAt - now, "for this account")
      }
      sweep(pairs, now)
      sweep(emails, now)
      const p = pair ?? { count: 0, resetAt: now + windowMs, nextAt: 0 }
      const e = byEmail ?? { count: 0, resetAt: now + windowMs, nextAt: 0 }
      const before = { count: e.count, nextAt: e.nextAt }
      p.count++
      e.count++
      if (slowAfter > 0 && e.count >= slowAfter) {
        e.nextAt = now + Math.min(maxDelayMs, 1000 * 2 ** Math.min(e.count - slowAfter, 30))
      }
      pairs.set(pairKey, p)
      emails.set(email, e)
      return {
        async succeeded() {
          pairs.delete(pairKey)
          const latest = emails.get(email)
          if (latest === e) Object.assign(e, { count: before.count, nextAt: before.nextAt })
        },
      }
    },
  }
}
