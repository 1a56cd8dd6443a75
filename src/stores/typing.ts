/**
 * Who is typing or recording where: live state, never stored. Behind a small interface so that a
 * store shared by several nodes (Redis keys with a TTL) can sit beside this in-memory one.
 */

export type TypingState = "typing" | "recording"

export interface TypingStore {
  /**
   * Sets or refreshes a user's state in a conversation, from one of their devices; without a
   * refresh it expires after the store's TTL, and the store's `onExpire` hears of it.
   */
  set(conversationId: number, userId: number, state: TypingState, device: string): void
  /** Ends the user's state in the conversation; true if there was one. */
  clear(conversationId: number, userId: number): boolean
  /** Ends every state a device set (it disconnected): the [conversationId, userId] pairs ended. */
  clearDevice(device: string): [number, number][]
  /** Drops every state and timer, telling no one. */
  close(): void
}

/**
 * Several nodes: a mark per state in shared storage, telling which node holds it, so that a message
 * sent through another node can end it there at once.
 */
export interface TypingMarks {
  /** This node holds the user's state in the conversation, for `ttlMs` unless refreshed. */
  set(conversationId: number, userId: number, ttlMs: number): void
  /** This node's state ended: true if its mark was still there (no other node ended it meanwhile). */
  release(conversationId: number, userId: number): Promise<boolean>
  /** Ends the state another node holds for the user; true if there was one. */
  takeOver(conversationId: number, userId: number): Promise<boolean>
}

export interface TypingStoreOptions {
  ttlMs: number
  onExpire(conversationId: number, userId: number): void
}

interface Entry {
  conversationId: number
  userId: number
  device: string
  timer: ReturnType<typeof setTimeout>
}

/** Typing state of one node, in memory. */
export function createMemoryTyping({ ttlMs, onExpire }: TypingStoreOptions): TypingStore {
  const entries = new Map<string, Entry>()
  const key = (conversationId: number, userId: number) => `${conversationId}:${userId}`
  const drop = (k: string) => {
    const entry = entries.get(k)
    if (!entry) return undefined
    clearTimeout(entry.timer)
    entries.delete(k)
    return entry
  }

  return {
    set(conversationId, userId, _state, device) {
      const k = key(conversationId, userId)
      drop(k)
      const timer = setTimeout(() => {
        entries.delete(k)
        onExpire(conversationId, userId)
      }, ttlMs)
      entries.set(k, { conversationId, userId, device, timer })
    },
    clear: (conversationId, userId) => drop(key(conversationId, userId)) !== undefined,
    clearDevice(device) {
      const ended = [...entries].filter(([, e]) => e.device === device)
      for (const [k] of ended) drop(k)
      return ended.map(([, e]) => [e.conversationId, e.userId])
    },
    close() {
      for (const k of [...entries.keys()]) drop(k)
    },
  }
}
