/** Who takes part: adding, removing, roles, and leaving for good; each change a sequenced event. */
import { and, eq, sql } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { Participant, PublicUser, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import type { TokenBucket } from "../stores/rateLimits.ts"
import type { ConversationService } from "./conversationService.ts"
import { storedSeq, storeEvent } from "./storedEvents.ts"
import { commit, type Step } from "./transaction.ts"

export interface ParticipantDeps {
  db: Db
  bus: EventBus
  membership: Membership
  conversationService: ConversationService
  /** Per actor: participant changes, each one broadcast to the whole room. */
  changeLimit: TokenBucket
}

const participantRow = (conversationId: number, userId: number) =>
  and(eq(cp.conversationId, conversationId), eq(cp.userId, userId))

/** Participant service; every change is committed with its event, then published. */
export function createParticipantService({
  db,
  bus,
  membership,
  conversationService,
  changeLimit,
}: ParticipantDeps) {
  /**
   * Marks a participant gone, with the seq of their departure; hands the admin role on and
   * archives an empty conversation: all in one transaction.
   */
  async function depart(conversationId: number, userId: number, by: PublicUser, reason: "removed" | "left") {
    const { state } = await membership.require(conversationId, userId)
    const remaining = [...state.members].filter(([id]) => id !== userId)
    // The longest-standing member takes over, so a group is never left without an admin.
    const heir =
      state.type === "group" && remaining.length > 0 && !remaining.some(([, m]) => m.role === "admin")
        ? remaining.sort(([a, x], [b, y]) => x.joinedAt - y.joinedAt || a - b)[0]![0]
        : undefined
    const now = new Date()
    // Leaving a group also blocks it: nobody can add the leaver back, so it never reappears.
    const block = reason === "left" && state.type === "group" ? { blockedAt: now } : {}
    const steps: Step[] = [
      ...storeEvent(conversationId, "participant_removed", { userId, by, reason }),
      db
        .update(cp)
        .set({
          ...block,
          leftAt: now,
          leftSeq: sql`(SELECT last_seq FROM conversations WHERE id = ${conversationId})`,
        })
        .where(participantRow(conversationId, userId)),
    ]
    if (remaining.length === 0)
      steps.push(
        db.update(conversations).set({ archivedAt: new Date() }).where(eq(conversations.id, conversationId)),
      )
    if (heir !== undefined)
      steps.push(
        db.update(cp).set({ role: "admin" }).where(participantRow(conversationId, heir)),
        ...storeEvent(conversationId, "role_changed", { userId: heir, role: "admin", by }),
      )
    const results = await commit(db, steps)
    membership.invalidate(conversationId)
    bus.emit("participant_removed", { conversationId, seq: storedSeq(results[1]), userId, by, reason })
    if (heir !== undefined) {
      const seq = storedSeq(results.at(-1))
      bus.emit("role_changed", { conversationId, seq, userId: heir, role: "admin", by })
    }
  }

  return {
    /** Admin: adds users (re-admitting those who had left); returns the new participants. */
    async add(
      actor: PublicUser,
      conversationId: number,
      userIds: number[],
    ): Promise<{ added: Participant[] }> {
      const { state } = await membership.requireAdmin(conversationId, actor.id)
      await changeLimit.consume(actor.id)
      const fresh = [...new Set(userIds)].filter((id) => !state.members.has(id))
      const people = await conversationService.newcomers(fresh, state.members.size, {
        callerId: actor.id,
        conversationId,
      })
      if (fresh.length === 0) return { added: [] }
      const { added } = await conversationService.admit(
        conversationId,
        fresh.map((id) => people.get(id)!),
        actor,
        { forgetBlock: true },
      )
      return { added }
    },

    /** Admin: removes a participant (for oneself, use `leave`). */
    async remove(actor: PublicUser, conversationId: number, userId: number) {
      const { state } = await membership.requireAdmin(conversationId, actor.id)
      await changeLimit.consume(actor.id)
      if (!state.members.has(userId)) throw new AppError("NOT_FOUND", `User ${userId} is not a participant`)
      await depart(conversationId, userId, actor, userId === actor.id ? "left" : "removed")
      return { conversationId, userId }
    },

    /** Admin: promotes or demotes; a group always keeps at least one admin. */
    async setRole(actor: PublicUser, conversationId: number, userId: number, role: Role) {
      const { state } = await membership.requireAdmin(conversationId, actor.id)
      await changeLimit.consume(actor.id)
      const target = state.members.get(userId)
      if (!target) throw new AppError("NOT_FOUND", `User ${userId} is not a participant`)
      const admins = [...state.members.values()].filter((m) => m.role === "admin").length
      if (target.role === "admin" && role === "member" && admins === 1) {
        throw new AppError("BAD_REQUEST", "role: a group needs an admin; promote someone else first", {
          field: "role",
        })
      }
      if (target.role !== role) {
        const results = await commit(db, [
          db.update(cp).set({ role }).where(participantRow(conversationId, userId)),
          ...storeEvent(conversationId, "role_changed", { userId, role, by: actor }),
        ])
        membership.invalidate(conversationId)
        bus.emit("role_changed", { conversationId, seq: storedSeq(results[2]), userId, role, by: actor })
      }
      return { conversationId, userId, role }
    },

    /** Any participant leaves for good; the history stays for the others. */
    async leave(actor: PublicUser, conversationId: number) {
      await depart(conversationId, actor.id, actor, "left")
      return { conversationId }
    },
  }
}

export type ParticipantService = ReturnType<typeof createParticipantService>
