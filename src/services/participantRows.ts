/** Participant rows: who is in which conversations (with presence), and admitting members. */
import { and, eq, inArray, isNull } from "drizzle-orm"
import { conversationParticipants as cp, users } from "../../db/schema.ts"
import type { Participant } from "../contract.ts"
import type { Db } from "../db.ts"
import type { Presence } from "../stores/presence.ts"

/**
 * Makes users active members, re-admitting those who had left or were removed; `forgetBlock`
 * also clears a block they had set before.
 */
export async function admitMembers(
  db: Db,
  conversationId: number,
  userIds: number[],
  { forgetBlock }: { forgetBlock: boolean },
) {
  for (const userId of userIds) {
    const now = new Date()
    await db
      .insert(cp)
      .values({ conversationId, userId, role: "member", joinedAt: now })
      .onConflictDoUpdate({
        target: [cp.conversationId, cp.userId],
        set: { role: "member", joinedAt: now, leftAt: null, ...(forgetBlock ? { blockedAt: null } : {}) },
      })
  }
}

/** The active participants of each conversation, oldest first, with presence. */
export async function participantsOf(
  db: Db,
  presence: Presence,
  conversationIds: number[],
): Promise<Map<number, Participant[]>> {
  const byConversation = new Map<number, Participant[]>(conversationIds.map((id) => [id, []]))
  if (conversationIds.length === 0) return byConversation
  const rows = await db
    .select({
      conversationId: cp.conversationId,
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: cp.role,
      joinedAt: cp.joinedAt,
    })
    .from(cp)
    .innerJoin(users, eq(users.id, cp.userId))
    .where(and(inArray(cp.conversationId, conversationIds), isNull(cp.leftAt)))
    .orderBy(cp.joinedAt, users.id)
  for (const { conversationId, joinedAt, ...p } of rows) {
    byConversation
      .get(conversationId)
      ?.push({ ...p, joinedAt: joinedAt.toISOString(), online: presence.isOnline(p.id) })
  }
  return byConversation
}
