/** Who takes part: adding, removing, roles, and leaving for good; each change a sequenced event. */
import { and, eq } from "drizzle-orm"
import { conversationParticipants as cp } from "../../db/schema.ts"
import type { Participant, PublicUser, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import type { TokenBucket } from "../stores/rateLimits.ts"
import { type AuditLog, target } from "./audit.ts"
import type { ConversationService } from "./conversationService.ts"
import { planDeparture } from "./departure.ts"
import { storedSeq, storeEvent } from "./storedEvents.ts"
import { commit } from "./transaction.ts"

export interface ParticipantDeps {
  db: Db
  bus: EventBus
  membership: Membership
  conversationService: ConversationService
  audit: AuditLog
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
  audit,
  changeLimit,
}: ParticipantDeps) {
  /** Marks a participant gone, with the admin hand-over and the archiving it may need, in one transaction. */
  async function depart(conversationId: number, userId: number, by: PublicUser, reason: "removed" | "left") {
    const { state } = await membership.require(conversationId, userId)
    const departure = planDeparture({ db, bus, membership, audit }, state, conversationId, userId, by, reason)
    departure.publish(await commit(db, departure.steps))
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
        {
          forgetBlock: true,
          after: [
            audit.step({
              action: "participant.add",
              actorId: actor.id,
              target: target("conversation", conversationId),
              details: { userIds: fresh },
            }),
          ],
        },
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
      const member = state.members.get(userId)
      if (!member) throw new AppError("NOT_FOUND", `User ${userId} is not a participant`)
      const admins = [...state.members.values()].filter((m) => m.role === "admin").length
      if (member.role === "admin" && role === "member" && admins === 1) {
        throw new AppError("BAD_REQUEST", "role: a group needs an admin; promote someone else first", {
          field: "role",
        })
      }
      if (member.role !== role) {
        const results = await commit(db, [
          db.update(cp).set({ role }).where(participantRow(conversationId, userId)),
          ...storeEvent(conversationId, "role_changed", { userId, role, by: actor }),
          audit.step({
            action: "participant.role",
            actorId: actor.id,
            target: target("conversation", conversationId),
            details: { userId, role },
          }),
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
