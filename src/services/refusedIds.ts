/**
 * Who may not be added to a conversation by whom. Unknown ids and refused ones get one answer, so
 * that adding people cannot be used to learn which accounts exist.
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"

/** The one refusal for unknown and not-addable ids alike. */
export const notAddable = (ids: number[]) =>
  new AppError("BAD_REQUEST", `participantIds: these users cannot be added: ${ids.slice(0, 20).join(", ")}`, {
    field: "participantIds",
  })

/** The direct key of a pair, as conversations.direct_key stores it. */
export const directKey = (a: number, b: number) => `${Math.min(a, b)}:${Math.max(a, b)}`

/**
 * Among `ids` (users that exist): those who blocked a direct conversation with `callerId` (blocking
 * someone also stops them from pulling you into groups); and, with `conversationId`, those who left
 * it themselves (it must not reappear in their list).
 */
export async function refusedIds(
  db: Db,
  callerId: number,
  ids: number[],
  conversationId?: number,
): Promise<number[]> {
  if (ids.length === 0) return []
  const refused = new Set<number>()
  const blockers = await db
    .select({ userId: cp.userId })
    .from(cp)
    .innerJoin(conversations, eq(conversations.id, cp.conversationId))
    .where(
      and(
        inArray(
          conversations.directKey,
          ids.map((id) => directKey(callerId, id)),
        ),
        inArray(cp.userId, ids),
        isNotNull(cp.blockedAt),
      ),
    )
  for (const b of blockers) refused.add(b.userId)
  if (conversationId !== undefined)
    for (const id of await departedBlockers(db, conversationId, ids)) refused.add(id)
  return ids.filter((id) => refused.has(id))
}

/** Among `ids`, those who left `conversationId` with a block on it (leaving a group sets one). */
export async function departedBlockers(db: Db, conversationId: number, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return []
  const rows = await db
    .select({ userId: cp.userId })
    .from(cp)
    .where(
      and(
        eq(cp.conversationId, conversationId),
        inArray(cp.userId, ids),
        isNotNull(cp.leftAt),
        isNotNull(cp.blockedAt),
      ),
    )
  return rows.map((r) => r.userId)
}
