/**
 * Who is online: live sockets per user. When a user's last device leaves, they stay online for a
 * grace period, so that a page reload is not an offline blip; only if no device is back by then do
 * they go offline. In memory for one node here; with several nodes, in Redis (redis/presence.ts).
 */
export interface Presence {
  /** A device connected; true when that brings the user online (not when back within the grace). */
  connected(userId: number): Promise<boolean>
  /** A device disconnected; after the last one, the user goes offline once the grace has passed. */
  disconnected(userId: number): void
  /** Those of `userIds` with a device connected, or whose last one left less than the grace ago. */
  online(userIds: number[]): Promise<Set<number>>
  /** Live sockets of the user (on every node). */
  count(userId: number): Promise<number>
  /** Hears each user going offline, with the time their last device left. */
  onOffline(listener: (userId: number, lastSeenAt: Date) => void): void
  /** Ends every grace at once (each user goes offline, listeners told) and leaves no timer. */
  close(): void | Promise<void>
}

/** In-memory presence for a single node. */
export function createMemoryPresence({ graceMs = 0 }: { graceMs?: number } = {}): Presence {
  const sockets = new Map<number, number>()
  const graces = new Map<number, { since: Date; timer: ReturnType<typeof setTimeout> }>()
  const listeners: ((userId: number, lastSeenAt: Date) => void)[] = []
  const goOffline = (userId: number) => {
    const grace = graces.get(userId)
    if (!grace) return
    clearTimeout(grace.timer)
    graces.delete(userId)
    for (const listener of listeners) listener(userId, grace.since)
  }
  return {
    async connected(userId) {
      const before = sockets.get(userId) ?? 0
      sockets.set(userId, before + 1)
      const grace = graces.get(userId)
      if (!grace) return before === 0
      clearTimeout(grace.timer)
      graces.delete(userId)
      return false
    },
    disconnected(userId) {
      const n = (sockets.get(userId) ?? 0) - 1
      if (n > 0) {
        sockets.set(userId, n)
        return
      }
      sockets.delete(userId)
      const since = new Date()
      graces.set(userId, { since, timer: setTimeout(() => goOffline(userId), graceMs) })
    },
    online: async (userIds) => new Set(userIds.filter((id) => sockets.has(id) || graces.has(id))),
    count: async (userId) => sockets.get(userId) ?? 0,
    onOffline(listener) {
      listeners.push(listener)
    },
    close() {
      for (const userId of [...graces.keys()]) goOffline(userId)
    },
  }
}
