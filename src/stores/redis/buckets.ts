/** Token buckets in Redis, shared by every node: one atomic script per take, on Redis's own clock. */
import type { RedisClientType } from "@redis/client"
import type { BucketStore } from "../rateLimits.ts"
import { redisAway } from "./connection.ts"

// KEYS[1] the bucket; ARGV: refill per second, burst. Returns 0 (taken) or the wait in ms.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens, at = tonumber(b[1]) or burst, tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) / rate * 1000) else tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 't', string.format('%.6f', tokens), 'a', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait`

/** Buckets under `prefix` in Redis. */
export function createRedisBuckets(redis: RedisClientType, prefix = "causerie:bucket:"): BucketStore {
  return {
    async take(bucket, perSecond, burst) {
      // Redis away: answer at once (the client retries) rather than wait in the offline queue.
      if (!redis.isReady) throw redisAway()
      const wait = await redis.eval(TAKE, {
        keys: [prefix + bucket],
        arguments: [String(perSecond), String(burst)],
      })
      return Number(wait)
    },
  }
}
