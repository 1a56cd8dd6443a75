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
import { BEAT, CONNECT, COUNT, DISCONNECT, GRACE_OVER, ONLINE } from "./presenceScripts.ts"

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
