/**
 * Presence shared by every node, in Redis. Each node keeps a hash of its own sockets per user
 * (`node:<id>`) and beats in a sorted set (`nodes`, scored by Redis's clock); a user's devices are
 * the sum over the live nodes. The grace after the last device leaves is a key (`grace:<user>`)
 * that any node's reconnect deletes; the node that started it ends it. A node that stops beating
 * for `nodeTimeoutMs` is taken for dead by the first node that sees it: its sockets stop counting,
 * and its users with no device elsewhere go offline, last seen at its last beat.
 */
import { randomUUID } from "node:crypto"
import type { RedisClientType } from "@redis/client"
import type { Presence } from "../presence.ts"

// A user's devices over the live nodes. ARGV[1] the prefix; `user` a user id.
const TOTAL = `
local function total(p, user)
  local n = 0
  for _, node in ipairs(redis.call('ZRANGE', p .. 'nodes', 0, -1)) do
    n = n + (tonumber(redis.call('HGET', p .. 'node:' .. node, user)) or 0)
  end
  return n
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`
// ARGV: prefix, node, user, node TTL ms. 1 when the user came online (not back within a grace).
const CONNECT = `${TOTAL}
local p, node, user = ARGV[1], ARGV[2], ARGV[3]
redis.call('HINCRBY', p .. 'node:' .. node, user, 1)
redis.call('PEXPIRE', p .. 'node:' .. node, ARGV[4])
redis.call('ZADD', p .. 'nodes', now(), node)
if total(p, user) > 1 then return 0 end
if redis.call('DEL', p .. 'grace:' .. user) == 1 then return 0 end
return 1`
// ARGV: prefix, node, user, grace TTL ms. The grace's start when that was the user's last device, else 0.
const DISCONNECT = `${TOTAL}
local p, node, user = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HINCRBY', p .. 'node:' .. node, user, -1) <= 0 then redis.call('HDEL', p .. 'node:' .. node, user) end
if total(p, user) > 0 then return 0 end
local since = now()
redis.call('SET', p .. 'grace:' .. user, since, 'PX', ARGV[4])
return since`
// ARGV: prefix, user, the grace's start. 1 when the user goes offline now (no device back, same grace).
const GRACE_OVER = `${TOTAL}
local p, user = ARGV[1], ARGV[2]
if total(p, user) > 0 or redis.call('GET', p .. 'grace:' .. user) ~= ARGV[3] then return 0 end
redis.call('DEL', p .. 'grace:' .. user)
return 1`
// ARGV: prefix, users... A flag per user: a device on a live node, or a grace under way.
const ONLINE = `${TOTAL}
local p = ARGV[1]
local flags = {}
for i = 2, #ARGV do
  flags[i - 1] = (total(p, ARGV[i]) > 0 or redis.call('EXISTS', p .. 'grace:' .. ARGV[i]) == 1) and 1 or 0
end
return flags`
// ARGV: prefix, user.
const COUNT = `${TOTAL}
return total(ARGV[1], ARGV[2])`
// ARGV: prefix, node, node TTL ms, timeout ms, then user, sockets... (the node's own count, which
// heals what a call lost while Redis was away). Beats for `node`, then takes the dead nodes (each
// claimed by one caller only) out: returns [user, last seen ms, ...] for their users now offline.
const BEAT = `${TOTAL}
local p, node = ARGV[1], ARGV[2]
local at = now()
redis.call('ZADD', p .. 'nodes', at, node)
redis.call('DEL', p .. 'node:' .. node)
for i = 5, #ARGV, 2 do redis.call('HSET', p .. 'node:' .. node, ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', p .. 'node:' .. node, ARGV[3])
local offline = {}
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', p .. 'nodes', '-inf', at - tonumber(ARGV[4]), 'WITHSCORES')) do
  table.insert(offline, dead)
end
local gone = {}
for i = 1, #offline, 2 do
  local dead, last = offline[i], offline[i + 1]
  if redis.call('ZREM', p .. 'nodes', dead) == 1 then
    local users = redis.call('HKEYS', p .. 'node:' .. dead)
    redis.call('DEL', p .. 'node:' .. dead)
    for _, user in ipairs(users) do
      if total(p, user) == 0 and redis.call('EXISTS', p .. 'grace:' .. user) == 0 then
        table.insert(gone, user)
        table.insert(gone, last)
      end
    end
  end
end
return gone`

export interface RedisPresenceOptions {
  graceMs: number
  /** A node silent for this long is taken for dead; each node beats every third of it. */
  nodeTimeoutMs: number
  prefix?: string
  /** Told when Redis could not be reached (presence is best effort: it never fails a connection). */
  onError?: (err: unknown) => void
}

/** Presence over Redis for one node. */
export function createRedisPresence(
  redis: RedisClientType,
  { graceMs, nodeTimeoutMs, prefix = "causerie:presence:", onError = () => {} }: RedisPresenceOptions,
): Presence {
  const node = randomUUID()
  // The node's hash outlives a missed beat or two; a dead node's is deleted by whoever finds it.
  const nodeTtl = String(nodeTimeoutMs * 4)
  const graceTtl = String(graceMs + nodeTimeoutMs * 4)
  const listeners: ((userId: number, lastSeenAt: Date) => void)[] = []
  /** This node's sockets per user: the truth for its hash in Redis. */
  const mine = new Map<number, number>()
  const graces = new Map<number, { since: string; timer: ReturnType<typeof setTimeout> }>()
  // Redis away: fail at once (callers fall back to this node's own view) rather than wait in the offline queue.
  const run = async (script: string, args: (string | number)[]) => {
    if (!redis.isReady) throw new Error("Redis is unreachable")
    return redis.eval(script, { arguments: [prefix, ...args.map(String)] })
  }
  const offline = (userId: number, lastSeenAt: Date) => {
    for (const listener of listeners) listener(userId, lastSeenAt)
  }

  const endGrace = async (userId: number) => {
    const grace = graces.get(userId)
    if (!grace) return
    clearTimeout(grace.timer)
    graces.delete(userId)
    if (Number(await run(GRACE_OVER, [userId, grace.since])) === 1)
      offline(userId, new Date(Number(grace.since)))
  }

  const beat = async () => {
    const counts = [...mine].flat()
    const gone = (await run(BEAT, [node, nodeTtl, nodeTimeoutMs, ...counts])) as string[]
    for (let i = 0; i < gone.length; i += 2) offline(Number(gone[i]), new Date(Number(gone[i + 1])))
  }
  const beating = setInterval(() => beat().catch(onError), Math.max(100, Math.floor(nodeTimeoutMs / 3)))
  beat().catch(onError)

  return {
    async connected(userId) {
      mine.set(userId, (mine.get(userId) ?? 0) + 1)
      // A device of this user back on this node: its own grace ends here, without a word.
      const grace = graces.get(userId)
      if (grace) {
        clearTimeout(grace.timer)
        graces.delete(userId)
      }
      try {
        return Number(await run(CONNECT, [node, userId, nodeTtl])) === 1
      } catch (err) {
        onError(err)
        return false
      }
    },
    disconnected(userId) {
      const left = (mine.get(userId) ?? 1) - 1
      if (left > 0) mine.set(userId, left)
      else mine.delete(userId)
      run(DISCONNECT, [node, userId, graceTtl]).then((since) => {
        if (Number(since) === 0) return
        clearTimeout(graces.get(userId)?.timer)
        graces.set(userId, {
          since: String(since),
          timer: setTimeout(() => void endGrace(userId).catch(onError), graceMs),
        })
      }, onError)
    },
    async online(userIds) {
      if (userIds.length === 0) return new Set()
      try {
        const flags = (await run(ONLINE, userIds)) as number[]
        return new Set(userIds.filter((_, i) => Number(flags[i]) === 1))
      } catch (err) {
        // Redis away: what this node knows.
        onError(err)
        return new Set(userIds.filter((id) => mine.has(id) || graces.has(id)))
      }
    },
    async count(userId) {
      try {
        return Number(await run(COUNT, [userId]))
      } catch (err) {
        onError(err)
        return mine.get(userId) ?? 0
      }
    },
    onOffline(listener) {
      listeners.push(listener)
    },
    async close() {
      clearInterval(beating)
      // Stopping: the graces end now (a user already back on another node stays online there).
      await Promise.all([...graces.keys()].map((userId) => endGrace(userId).catch(onError)))
      if (!redis.isReady) return
      await redis.zRem(`${prefix}nodes`, node).catch(onError)
      await redis.del(`${prefix}node:${node}`).catch(onError)
    },
  }
}
