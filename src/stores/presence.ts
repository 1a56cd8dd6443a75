/** Who is online: a count of live sockets per user, kept by this process. */
export interface Presence {
  connected(userId: number): void
  disconnected(userId: number): void
  isOnline(userId: number): boolean
  /** Live sockets of the user on this node. */
  count(userId: number): number
}

/** In-memory presence for a single node. */
export function createMemoryPresence(): Presence {
  const sockets = new Map<number, number>()
  return {
    connected(userId) {
      sockets.set(userId, (sockets.get(userId) ?? 0) + 1)
    },
    disconnected(userId) {
      const n = (sockets.get(userId) ?? 0) - 1
      if (n > 0) sockets.set(userId, n)
      else sockets.delete(userId)
    },
    isOnline: (userId) => sockets.has(userId),
    count: (userId) => sockets.get(userId) ?? 0,
  }
}
