/**
 * Typing and recording indicators: volatile, never stored, rate-limited. A state ends when it is
 * stopped, when 6 s pass without a refresh, when the device that set it disconnects, or when its
 * author sends a message there; each end is published as `stopped`.
 */
import type { PublicUser } from "../contract.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import type { createTokenBucket } from "../stores/rateLimits.ts"
import { createMemoryTyping, type TypingMarks, type TypingStore } from "../stores/typing.ts"

/** How long a state lasts without a refresh (clients refresh every few seconds while typing). */
export const TYPING_TTL_MS = 6000

export interface TypingDeps {
  membership: Membership
  bus: EventBus
  limit: ReturnType<typeof createTokenBucket>
  /** Defaults to the in-memory store. */
  store?: (onExpire: (conversationId: number, userId: number) => void) => TypingStore
  /** Several nodes: marks that let a message sent through another node end a state held here. */
  marks?: TypingMarks
}

/** The typing service; publishes `typing` on the bus. */
export function createTyping({ membership, bus, limit, store: makeStore, marks }: TypingDeps) {
  const stopped = (conversationId: number, userId: number) =>
    bus.emit("typing", { conversationId, userId, state: "stopped" })
  /** A state held here ended by itself: told, unless another node ended it already. */
  const ended = (conversationId: number, userId: number) => {
    if (!marks) return stopped(conversationId, userId)
    void marks.release(conversationId, userId).then((mine) => mine && stopped(conversationId, userId))
  }
  const store = makeStore?.(ended) ?? createMemoryTyping({ ttlMs: TYPING_TTL_MS, onExpire: ended })
  // A message sent ends its author's indicator: the message is what they were typing.
  const off = bus.on("message_created", ({ conversationId, sender }) => {
    if (store.clear(conversationId, sender.id)) {
      void marks?.release(conversationId, sender.id)
      stopped(conversationId, sender.id)
    } else
      void marks
        ?.takeOver(conversationId, sender.id)
        .then((held) => held && stopped(conversationId, sender.id))
  })

  return {
    /** Sets, refreshes or stops the caller's state from one device; unblocked participants only. */
    async set(
      user: PublicUser,
      device: string,
      conversationId: number,
      state: "typing" | "recording" | "stopped",
    ) {
      await membership.requireUnblocked(conversationId, user.id)
      await limit.consume(user.id)
      if (state !== "stopped") {
        store.set(conversationId, user.id, state, device)
        marks?.set(conversationId, user.id, TYPING_TTL_MS)
      }
      // Stopping what was not going on tells nobody anything.
      if (state !== "stopped" || store.clear(conversationId, user.id)) {
        if (state === "stopped") void marks?.release(conversationId, user.id)
        bus.emit("typing", { conversationId, userId: user.id, state })
      }
      return { conversationId, state }
    },

    /** A device disconnected: whatever it was typing stops. */
    disconnected(device: string): void {
      for (const [conversationId, userId] of store.clearDevice(device)) ended(conversationId, userId)
    },

    close(): void {
      off()
      store.close()
    },
  }
}

export type Typing = ReturnType<typeof createTyping>
