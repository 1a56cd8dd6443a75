/** A conversation's settings: its title (a sequenced event) and each participant's own block and mute. */
import { and, eq } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { MuteState, PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import type { TokenBucket } from "../stores/rateLimits.ts"
import { type AuditLog, target } from "./audit.ts"
import { activeMute } from "./conversationList.ts"
import { storedSeq, storeEvent } from "./storedEvents.ts"
import { commit } from "./transaction.ts"

export interface SettingsDeps {
  db: Db
  bus: EventBus
  membership: Membership
  audit: AuditLog
  /** Per actor: renames, each one broadcast to the whole room (shared with participant changes). */
  changeLimit: TokenBucket
}

/** Renames and blocks; a rename is committed with its event, then published. */
export function createConversationSettings({ db, bus, membership, audit, changeLimit }: SettingsDeps) {
  /** Sets the caller's own block; `blockedByOther` tells a direct conversation's side it cannot lift. */
  async function setBlocked(user: PublicUser, conversationId: number, blocked: boolean) {
    const { state, member } = await membership.require(conversationId, user.id)
    const blockedByOther = [...state.members].some(
      ([id, m]) => id !== user.id && m.blocked && state.type === "direct",
    )
    if (member.blocked !== blocked) {
      await commit(db, [
        db
          .update(cp)
          .set({ blockedAt: blocked ? new Date() : null })
          .where(and(eq(cp.conversationId, conversationId), eq(cp.userId, user.id))),
        audit.step({
          action: blocked ? "conversation.block" : "conversation.unblock",
          actorId: user.id,
          target: target("conversation", conversationId),
        }),
      ])
      membership.invalidate(conversationId)
      const event = { conversationId, userId: user.id, type: state.type }
      bus.emit(blocked ? "conversation_blocked" : "conversation_unblocked", event)
    }
    return { conversationId, blocked, blockedByOther }
  }

  return {
    /** Admin: renames a group. */
    async rename(actor: PublicUser, conversationId: number, title: string | null) {
      await membership.requireAdmin(conversationId, actor.id)
      await changeLimit.consume(actor.id)
      const results = await commit(db, [
        db.update(conversations).set({ title }).where(eq(conversations.id, conversationId)),
        ...storeEvent(conversationId, "conversation_updated", { title, by: actor }),
        audit.step({
          action: "conversation.rename",
          actorId: actor.id,
          target: target("conversation", conversationId),
          details: { title },
        }),
      ])
      bus.emit("conversation_updated", { conversationId, seq: storedSeq(results[2]), title, by: actor })
      return { conversationId, title }
    },

    /**
     * Mutes the conversation for the caller until a time (null unmutes); their devices hear
     * conversation_muted. Notifications only: unread counts go on.
     */
    async mute(user: PublicUser, conversationId: number, until: string | null): Promise<MuteState> {
      await membership.require(conversationId, user.id)
      const at = until === null ? null : new Date(until)
      const mutedUntil = activeMute(at)
      await db
        .update(cp)
        .set({ mutedUntil: mutedUntil === null ? null : at })
        .where(and(eq(cp.conversationId, conversationId), eq(cp.userId, user.id)))
      bus.emit("conversation_muted", { conversationId, userId: user.id, mutedUntil })
      return { conversationId, mutedUntil }
    },

    block: (user: PublicUser, conversationId: number) => setBlocked(user, conversationId, true),
    unblock: (user: PublicUser, conversationId: number) => setBlocked(user, conversationId, false),
  }
}

export type ConversationSettings = ReturnType<typeof createConversationSettings>
