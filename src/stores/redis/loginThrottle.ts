/**
 * Failed logins counted in Redis, so the limits hold across nodes: the same rules as the memory
 * throttle (stores/loginThrottle.ts), checked and counted in one atomic script on Redis's clock.
 */
import type { RedisClientType } from "@redis/client"
import {
  type LoginAttempt,
  type LoginThrottle,
  type LoginThrottleOptions,
  loginLimited,
} from "../loginThrottle.ts"
import { redisAway } from "./connection.ts"

// KEYS: the (email, address) counter, the email's hash {c: count, n: no attempt before}. ARGV: the
// options. Returns {0, count before, next before} once counted, or {1|2, wait ms} when refused.
const ATTEMPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxPer, window, slowAfter, maxDelay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local pairs = tonumber(redis.call('GET', KEYS[1]) or '0')
if maxPer > 0 and pairs >= maxPer then return {1, redis.call('PTTL', KEYS[1])} end
local e = redis.call('HMGET', KEYS[2], 'c', 'n')
local count, nextAt = tonumber(e[1]) or 0, tonumber(e[2]) or 0
if slowAfter > 0 and nextAt > now then return {2, nextAt - now} end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], window) end
local fresh = redis.call('EXISTS', KEYS[2]) == 0
local newNext = nextAt
if slowAfter > 0 and count + 1 >= slowAfter then
  newNext = now + math.min(maxDelay, 1000 * 2 ^ math.min(count + 1 - slowAfter, 30))
end
redis.call('HSET', KEYS[2], 'c', count + 1, 'n', newNext)
if fresh then redis.call('PEXPIRE', KEYS[2], window) end
return {0, count, nextAt}`

/** The login throttle in Redis under `prefix`. */
export function createRedisLoginThrottle(
  redis: RedisClientType,
  { maxPerAddress, windowMs, slowAfter, maxDelayMs }: LoginThrottleOptions,
  prefix = "causerie:login:",
): LoginThrottle {
  return {
    async attempt(email, address): Promise<LoginAttempt> {
      // Redis away: answer at once (the client retries) rather than wait in the offline queue.
      if (!redis.isReady) throw redisAway()
      const pairKey = `${prefix}pair:${email}\n${address}`
      const emailKey = `${prefix}email:${email}`
      const [outcome, a, b] = (await redis.eval(ATTEMPT, {
        keys: [pairKey, emailKey],
        arguments: [maxPerAddress, windowMs, slowAfter, maxDelayMs].map(String),
      })) as number[]
      if (outcome === 1) throw loginLimited(Number(a), "for this account from this address")
      if (outcome === 2) throw loginLimited(Number(a), "for this account")
      return {
        async succeeded() {
          // The password matched: this attempt is taken back, as in memory.
          await redis
            .multi()
            .del(pairKey)
            .hSet(emailKey, { c: String(a), n: String(b) })
            .exec()
        },
      }
    },
  }
}
