/**
 * A participant's departure (removed, left, or their account deleted) as statements to commit and
 * what to publish once they are: the departure's seq, the admin role handed on when the last admin
 * goes, the conversation archived when nobody is left. Several departures can share one transaction.
 */
import type { ResultSet } from "@libsql/client"
import { and, eq, sql } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import type { EventBus } from "../events.ts"
import type { ConversationState, Membership } from "../stores/membership.ts"
import { type AuditLog, target } from "./audit.ts"
import { storedSeq, storeEvent } from "./storedEvents.ts"
import type { Step } from "./transaction.ts"

export interface DepartureDeps {
  db: Db
  bus: EventBus
  membership: Membership
  audit: AuditLog
}

export interface Departure {
  steps: Step[]
  /** After the commit: `results` of the whole transaction, these steps starting at `offset`. */
  publish(results: ResultSet[], offset?: number): void
}

const participantRow = (conversationId: number, userId: number) =>
  and(eq(cp.conversationId, conversationId), eq(cp.userId, userId))

/** The departure of `userId` from a conversation in `state`; `record` adds its audit records. */
export function planDeparture(
  { db, bus, membership, audit }: DepartureDeps,
  state: ConversationState,
  conversationId: number,
  userId: number,
  by: PublicUser,
  reason: "removed" | "left",
  { record = true }: { record?: boolean } = {},
): Departure {
  const remaining = [...state.members].filter(([id]) => id !== userId)
  // The longest-standing member takes over, so a group is never left without an admin.
  const heir =
    state.type === "group" && remaining.length > 0 && !remaining.some(([, m]) => m.role === "admin")
      ? remaining.sort(([a, x], [b, y]) => x.joinedAt - y.joinedAt || a - b)[0]![0]
      : undefined
  const now = new Date()
  // Leaving a group also blocks it: nobody can add the leaver back, so it never reappears.
  const block = reason === "left" && state.type === "group" ? { blockedAt: now } : {}
  const about = target("conversation", conversationId)
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
  if (record)
    steps.push(
      reason === "left"
        ? audit.step({ action: "participant.leave", actorId: userId, target: about })
        : audit.step({ action: "participant.remove", actorId: by.id, target: about, details: { userId } }),
    )
  if (remaining.length === 0) {
    steps.push(db.update(conversations).set({ archivedAt: now }).where(eq(conversations.id, conversationId)))
    if (record) steps.push(audit.step({ action: "conversation.archive", actorId: by.id, target: about }))
  }
  if (heir !== undefined)
    steps.push(
      db.update(cp).set({ role: "admin" }).where(participantRow(conversationId, heir)),
      ...storeEvent(conversationId, "role_changed", { userId: heir, role: "admin", by }),
    )
  return {
    steps,
    publish(results, offset = 0) {
      membership.invalidate(conversationId)
      const seq = storedSeq(results[offset + 1])
      bus.emit("participant_removed", { conversationId, seq, userId, by, reason })
      if (heir !== undefined) {
        const heirSeq = storedSeq(results[offset + steps.length - 1])
        bus.emit("role_changed", { conversationId, seq: heirSeq, userId: heir, role: "admin", by })
      }
    },
  }
}
