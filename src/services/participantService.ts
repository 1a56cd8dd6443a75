/** Participant management: add, remove, roles, rename, leaving for good, and blocking. */
import { and, eq } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { Participant, PublicUser, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import type { ConversationService } from "./conversationService.ts"
import { admitMembers } from "./participantRows.ts"

export interface ParticipantDeps {
  db: Db
  bus: EventBus
  membership: Membership
  conversationService: ConversationService
}

const participantRow = (conversationId: number, userId: number) =>
  and(eq(cp.conversationId, conversationId), eq(cp.userId, userId))

/** Participant service; every change is published on the bus once committed. */
export function createParticipantService({ db, bus, membership, conversationService }: ParticipantDeps) {
  /** Marks a participant gone; hands the admin role on and archives an empty conversation. */
  async function depart(conversationId: number, userId: number, by: PublicUser, reason: "removed" | "left") {
    const { state } = await membership.require(conversationId, userId)
    await db.update(cp).set({ leftAt: new Date() }).where(participantRow(conversationId, userId))
    const remaining = [...state.members].filter(([id]) => id !== userId)
    membership.invalidate(conversationId)
    bus.emit("participant_removed", { conversationId, userId, by, reason })
    if (remaining.length === 0) {
      await db
        .update(conversations)
        .set({ archivedAt: new Date() })
        .where(eq(conversations.id, conversationId))
      membership.invalidate(conversationId)
      return
    }
    if (state.type === "group" && !remaining.some(([, m]) => m.role === "admin")) {
      // The longest-standing member takes over, so a group is never left without an admin.
      const [heirId] = remaining.sort(([a, x], [b, y]) => x.joinedAt - y.joinedAt || a - b)[0]!
      await db.update(cp).set({ role: "admin" }).where(participantRow(conversationId, heirId))
      membership.invalidate(conversationId)
      bus.emit("role_changed", { conversationId, userId: heirId, role: "admin", by })
    }
  }

  /** Sets the caller's own block; `blockedByOther` tells a direct conversation's side it cannot lift. */
  async function setBlocked(user: PublicUser, conversationId: number, blocked: boolean) {
    const { state, member } = await membership.require(conversationId, user.id)
    const blockedByOther = [...state.members].some(
      ([id, m]) => id !== user.id && m.blocked && state.type === "direct",
    )
    if (member.blocked !== blocked) {
      await db
        .update(cp)
        .set({ blockedAt: blocked ? new Date() : null })
        .where(participantRow(conversationId, user.id))
      membership.invalidate(conversationId)
      const event = { conversationId, userId: user.id, type: state.type }
      bus.emit(blocked ? "conversation_blocked" : "conversation_unblocked", event)
    }
    return { conversationId, blocked, blockedByOther }
  }

  return {
    /** Admin: adds users (re-admitting those who had left); returns the new participants. */
    async add(
      actor: PublicUser,
      conversationId: number,
      userIds: number[],
    ): Promise<{ added: Participant[] }> {
      const { state } = await membership.requireAdmin(conversationId, actor.id)
      const fresh = [...new Set(userIds)].filter((id) => !state.members.has(id))
      await conversationService.checkNewParticipants(fresh, state.members.size)
      await admitMembers(db, conversationId, fresh, { forgetBlock: true })
      membership.invalidate(conversationId)
      if (fresh.length === 0) return { added: [] }
      const conversation = (await conversationService.load(conversationId))!
      const added = conversation.participants.filter((p) => fresh.includes(p.id))
      for (const participant of added)
        bus.emit("participant_added", { conversationId, participant, by: actor, conversation })
      return { added }
    },

    /** Admin: removes a participant (for oneself, use `leave`). */
    async remove(actor: PublicUser, conversationId: number, userId: number) {
      const { state } = await membership.requireAdmin(conversationId, actor.id)
      if (!state.members.has(userId)) throw new AppError("NOT_FOUND", `User ${userId} is not a participant`)
      await depart(conversationId, userId, actor, userId === actor.id ? "left" : "removed")
      return { conversationId, userId }
    },

    /** Admin: promotes or demotes; a group always keeps at least one admin. */
    async setRole(actor: PublicUser, conversationId: number, userId: number, role: Role) {
      const { state } = await membership.requireAdmin(conversationId, actor.id)
      const target = state.members.get(userId)
      if (!target) throw new AppError("NOT_FOUND", `User ${userId} is not a participant`)
      const admins = [...state.members.values()].filter((m) => m.role === "admin").length
      if (target.role === "admin" && role === "member" && admins === 1) {
        throw new AppError("BAD_REQUEST", "role: a group needs an admin; promote someone else first", {
          field: "role",
        })
      }
      if (target.role !== role) {
        await db.update(cp).set({ role }).where(participantRow(conversationId, userId))
        membership.invalidate(conversationId)
        bus.emit("role_changed", { conversationId, userId, role, by: actor })
      }
      return { conversationId, userId, role }
    },

    /** Admin: renames a group. */
    async rename(actor: PublicUser, conversationId: number, title: string | null) {
      await membership.requireAdmin(conversationId, actor.id)
      await db.update(conversations).set({ title }).where(eq(conversations.id, conversationId))
      bus.emit("conversation_updated", { conversationId, title, by: actor })
      return { conversationId, title }
    },

    /** Any participant leaves for good; the history stays for the others. */
    async leave(actor: PublicUser, conversationId: number) {
      await depart(conversationId, actor.id, actor, "left")
      return { conversationId }
    },

    block: (user: PublicUser, conversationId: number) => setBlocked(user, conversationId, true),
    unblock: (user: PublicUser, conversationId: number) => setBlocked(user, conversationId, false),
  }
}

export type ParticipantService = ReturnType<typeof createParticipantService>
