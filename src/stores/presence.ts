/**
 * Who is online: live sockets per user, kept by this process. When a user's last device leaves,
 * they stay online for a grace period, so that a page reload is not an offline blip; only if no
 * device is back by then do they go offline.
 */
export interface Presence {
  /** A device connected; true when that brings the user online (not when back within the grace). */
  connected(userId: number): boolean
  /** A device disconnected; after the last one, the user goes offline once the grace has passed. */
  disconnected(userId: number): void
  /** A device is connected, or the last one left less than the grace ago. */
  isOnline(userId: number): boolean
  /** Live sockets of the user on this node. */
  count(userId: number): number
  /** Hears each user going offline, with the time their last device left. */
  onOffline(listener: (userId: number, lastSeenAt: Date) => void): void
  /** Ends every grace at once (each user goes offline, listeners told) and leaves no timer. */
  close(): void
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
    connected(userId) {
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
    isOnline: (userId) => sockets.has(userId) || graces.has(userId),
    count: (userId) => sockets.get(userId) ?? 0,
    onOffline(listener) {
      listeners.push(listener)
    },
    close() {
      for (const userId of [...graces.keys()]) goOffline(userId)
    },
  }
}
