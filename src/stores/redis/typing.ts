/**
 * Typing across nodes. A state lives on the node of the device that set it (its expiry and the
 * device's disconnect are that node's), and is marked in Redis while it lasts, so that a message its
 * author sends through another node ends it at once: that node takes the mark over and says
 * `stopped`, and the owner, finding its mark gone, says nothing more.
 */
import { randomUUID } from "node:crypto"
import type { RedisClientType } from "@redis/client"
import type { TypingMarks } from "../typing.ts"

// KEYS[1] the mark; ARGV[1] this node. 1 when the mark was this node's (and is now gone).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`
// KEYS[1] the mark; ARGV[1] this node. 1 when another node held it (and it is now gone).
const TAKE_OVER = `local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Marks under `prefix` for one node. */
export function createRedisTypingMarks(redis: RedisClientType, prefix = "causerie:typing:"): TypingMarks {
  const node = randomUUID()
  const key = (conversationId: number, userId: number) => `${prefix}${conversationId}:${userId}`
  const run = async (script: string, conversationId: number, userId: number) => {
    // Redis away: no wait in the offline queue; each node then acts on what it holds itself.
    if (!redis.isReady) throw new Error("Redis is unreachable")
    return Number(await redis.eval(script, { keys: [key(conversationId, userId)], arguments: [node] }))
  }
  return {
    set(conversationId, userId, ttlMs) {
      if (redis.isReady) redis.set(key(conversationId, userId), node, { PX: ttlMs }).catch(() => {})
    },
    release: (conversationId, userId) =>
      run(RELEASE, conversationId, userId).then(
        (n) => n === 1,
        () => true,
      ),
    takeOver: (conversationId, userId) =>
      run(TAKE_OVER, conversationId, userId).then(
        (n) => n === 1,
        () => false,
      ),
  }
}
