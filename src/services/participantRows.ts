/** Participant rows: who is in which conversations (with presence and pointers), and admitting members. */
import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm"
import { conversationParticipants as cp, users } from "../../db/schema.ts"
import type { Participant, PublicUser, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import type { Presence } from "../stores/presence.ts"
import type { Step } from "./transaction.ts"
import { HIDDEN_EMAIL } from "./userService.ts"

/**
 * One statement that makes users active members, re-admitting those who had left or were removed;
 * `forgetBlock` also clears a block they had set before.
 */
export function admitMembers(
  db: Db,
  conversationId: number | SQL,
  members: { userId: number; role: Role }[],
  joinedAt: Date,
  { forgetBlock }: { forgetBlock: boolean },
): Step {
  return db
    .insert(cp)
    .values(members.map((m) => ({ conversationId, userId: m.userId, role: m.role, joinedAt })))
    .onConflictDoUpdate({
      target: [cp.conversationId, cp.userId],
      set: {
        role: sql`excluded.role`,
        joinedAt,
        leftAt: null,
        leftSeq: null,
        ...(forgetBlock ? { blockedAt: null } : {}),
      },
    })
}

/** Online now, or when last seen: lastSeenAt is null while online. */
const seen = (online: boolean, lastSeenAt: Date | null) => {
  return { online, lastSeenAt: online ? null : (lastSeenAt?.toISOString() ?? null) }
}

/** When each of these users was last seen (null: never, or online since the column exists). */
export async function lastSeenOf(db: Db, ids: number[]): Promise<Map<number, Date | null>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, lastSeenAt: users.lastSeenAt })
    .from(users)
    .where(inArray(users.id, ids))
  return new Map(rows.map((r) => [r.id, r.lastSeenAt]))
}

/** A participant as announced when admitted: pointers at zero, presence now. */
export const newParticipant = (
  user: PublicUser,
  role: Role,
  joinedAt: Date,
  online: boolean,
  lastSeenAt: Date | null,
): Participant => ({
  id: user.id,
  email: user.email,
  displayName: user.displayName,
  role,
  joinedAt: joinedAt.toISOString(),
  ...seen(online, lastSeenAt),
  readSeq: 0,
  deliveredSeq: 0,
})

/** The active participants of each conversation, oldest first, with presence and pointers. */
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
      displayName: users.displayName,
      lastSeenAt: users.lastSeenAt,
      role: cp.role,
      joinedAt: cp.joinedAt,
      readSeq: cp.readSeq,
      deliveredSeq: cp.deliveredSeq,
    })
    .from(cp)
    .innerJoin(users, eq(users.id, cp.userId))
    .where(and(inArray(cp.conversationId, conversationIds), isNull(cp.leftAt)))
    .orderBy(cp.joinedAt, users.id)
  const online = await presence.online([...new Set(rows.map((r) => r.id))])
  for (const { conversationId, joinedAt, lastSeenAt, readSeq, deliveredSeq, ...p } of rows) {
    byConversation.get(conversationId)?.push({
      ...p,
      email: HIDDEN_EMAIL,
      joinedAt: joinedAt.toISOString(),
      ...seen(online.has(p.id), lastSeenAt),
      readSeq,
      deliveredSeq,
    })
  }
  return byConversation
}
