/**
 * Who belongs to which conversation, with which role, and who blocked it: cached in memory
 * so the permission check before every action costs no query. Every write that changes
 * membership calls `invalidate`.
 */
import { and, eq, isNull } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"

export interface Member {
  role: Role
  joinedAt: number
  blocked: boolean
}

export interface ConversationState {
  type: "group" | "direct"
  /** Active participants only (not left, not removed). */
  members: Map<number, Member>
}

/** The membership cache over one database. */
export function createMembership(db: Db, { ttlMs = Number.POSITIVE_INFINITY }: { ttlMs?: number } = {}) {
  const cache = new Map<number, ConversationState & { loadedAt: number }>()
  // Bumped by every invalidation: a load that read the database before a change must not cache
  // what it read after that change's invalidation (a removed member would stay in forever).
  let generation = 0
  const listeners: ((conversationId: number) => void)[] = []

  async function load(conversationId: number): Promise<ConversationState | undefined> {
    const cached = cache.get(conversationId)
    if (cached && Date.now() - cached.loadedAt < ttlMs) return cached
    const startedAt = generation
    const conversation = await db.query.conversations.findFirst({
      columns: { type: true },
      where: eq(conversations.id, conversationId),
    })
    if (!conversation) return undefined
    const rows = await db
      .select({ userId: cp.userId, role: cp.role, joinedAt: cp.joinedAt, blockedAt: cp.blockedAt })
      .from(cp)
      .where(and(eq(cp.conversationId, conversationId), isNull(cp.leftAt)))
    const state: ConversationState = {
      type: conversation.type,
      members: new Map(
        rows.map((r) => [
          r.userId,
          { role: r.role, joinedAt: r.joinedAt.getTime(), blocked: r.blockedAt !== null },
        ]),
      ),
    }
    if (generation === startedAt) cache.set(conversationId, { ...state, loadedAt: Date.now() })
    return state
  }

  const membership = {
    /** The conversation's type and active participants (cached), or undefined if it does not exist. */
    load,
    /** Drops a conversation from the cache, here and (through `onInvalidate`) on every other node. */
    invalidate(conversationId: number) {
      membership.forget(conversationId)
      for (const listener of listeners) listener(conversationId)
    },
    /** Drops a conversation from this node's cache only: another node changed it. */
    forget(conversationId: number) {
      generation++
      cache.delete(conversationId)
    },
    /** Hears every local invalidation, to pass it on to the other nodes. */
    onInvalidate(listener: (conversationId: number) => void) {
      listeners.push(listener)
    },

    /** The caller's membership; NOT_FOUND for an unknown conversation, FORBIDDEN for a non-participant. */
    async require(
      conversationId: number,
      userId: number,
    ): Promise<{ state: ConversationState; member: Member }> {
      const state = await load(conversationId)
      if (!state) throw new AppError("NOT_FOUND", `Conversation ${conversationId} does not exist`)
      const member = state.members.get(userId)
      if (!member)
        throw new AppError("FORBIDDEN", `You are not a participant of conversation ${conversationId}`)
      return { state, member }
    },

    /** As `require`, and FORBIDDEN unless the caller is an admin of a group. */
    async requireAdmin(conversationId: number, userId: number) {
      const found = await membership.require(conversationId, userId)
      if (found.state.type === "direct") {
        throw new AppError("FORBIDDEN", "A direct conversation has fixed participants and no admins")
      }
      if (found.member.role !== "admin")
        throw new AppError("FORBIDDEN", "Only an admin of this conversation can do this")
      return found
    },

    /** As `require`, and FORBIDDEN for the blocker of a group, who hears nothing from it. */
    async requireListening(conversationId: number, userId: number) {
      const found = await membership.require(conversationId, userId)
      if (found.state.type === "group" && found.member.blocked) {
        throw new AppError("FORBIDDEN", "You blocked this conversation; unblock it first")
      }
      return found
    },

    /**
     * As `require`, and FORBIDDEN while blocked: a direct conversation that either side blocked,
     * or a group that the caller blocked (the blocker hears nothing from it).
     */
    async requireUnblocked(conversationId: number, userId: number) {
      const found = await membership.requireListening(conversationId, userId)
      if (found.state.type === "direct" && [...found.state.members.values()].some((m) => m.blocked)) {
        throw new AppError("FORBIDDEN", "This conversation is blocked")
      }
      return found
    },
  }
  return membership
}

export type Membership = ReturnType<typeof createMembership>
