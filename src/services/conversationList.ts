/** The caller's conversation list: one query for the rows and unread counts, one for participants, one for last messages. */
import { and, eq, isNull, or, sql } from "drizzle-orm"
import { conversations, conversationParticipants as cp, messages } from "../../db/schema.ts"
import type { Conversation, ConversationSummary, Participant } from "../contract.ts"
import type { Db } from "../db.ts"
import { messagesByIds } from "./messageRows.ts"

type ConversationRow = typeof conversations.$inferSelect

export const toConversation = (c: ConversationRow, participants: Participant[]): Conversation => ({
  id: c.id,
  type: c.type,
  title: c.title,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
  archivedAt: c.archivedAt?.toISOString() ?? null,
  lastSeq: c.lastSeq,
  participants,
})

/** A participant's mute as clients see it: null when not muted, or muted until a time now past. */
export const activeMute = (mutedUntil: Date | null, now = Date.now()): string | null =>
  mutedUntil && mutedUntil.getTime() > now ? mutedUntil.toISOString() : null

/**
 * Unread counts stop at this: counting is a walk over the unread range, so a pointer left a
 * million messages behind would otherwise cost a million steps on every list and sync.
 */
export const UNREAD_COUNT_CAP = 1000

/** Messages from others after a read pointer, up to the cap: a range on the (conversation_id, seq) index. */
export const unreadCountSql = (conversationId: unknown, userId: unknown, readSeq: unknown) => sql<number>`(
  select count(*) from (select 1 from ${messages} where ${messages.conversationId} = ${conversationId}
  and ${messages.seq} > ${readSeq} and ${messages.senderId} != ${userId} limit ${UNREAD_COUNT_CAP}))`

/** The conversations `userId` takes part in, most recently active first. */
export async function listConversations(
  db: Db,
  participants: (ids: number[]) => Promise<Map<number, Participant[]>>,
  userId: number,
  { includeBlocked = false }: { includeBlocked?: boolean },
): Promise<ConversationSummary[]> {
  const lastId = sql<
    number | null
  >`(select ${messages.id} from ${messages} where ${messages.conversationId} = ${conversations.id} order by ${messages.seq} desc limit 1)`
  const rows = await db
    .select({
      conversation: conversations,
      role: cp.role,
      blockedAt: cp.blockedAt,
      readSeq: cp.readSeq,
      deliveredSeq: cp.deliveredSeq,
      mutedUntil: cp.mutedUntil,
      unreadCount: unreadCountSql(conversations.id, cp.userId, cp.readSeq),
      lastMessageId: lastId,
    })
    .from(cp)
    .innerJoin(conversations, eq(conversations.id, cp.conversationId))
    .where(
      and(
        eq(cp.userId, userId),
        isNull(cp.leftAt),
        // A blocked group is hidden from its blocker; a blocked direct conversation stays visible.
        includeBlocked ? undefined : or(isNull(cp.blockedAt), eq(conversations.type, "direct")),
      ),
    )
  const ids = rows.map((r) => r.conversation.id)
  const [people, lasts] = await Promise.all([
    participants(ids),
    messagesByIds(
      db,
      rows.flatMap((r) => (r.lastMessageId ? [r.lastMessageId] : [])),
      userId,
    ),
  ])
  const lastById = new Map(lasts.map((m) => [m.id, m]))
  const activity = (s: ConversationSummary) => s.lastMessage?.createdAt ?? s.createdAt
  return rows
    .map((r) => ({
      ...toConversation(r.conversation, people.get(r.conversation.id) ?? []),
      role: r.role,
      blocked: r.blockedAt !== null,
      readSeq: r.readSeq,
      deliveredSeq: r.deliveredSeq,
      unreadCount: Number(r.unreadCount),
      lastMessage: (r.lastMessageId && lastById.get(r.lastMessageId)) || null,
      mutedUntil: activeMute(r.mutedUntil),
    }))
    .sort((a, b) => activity(b).localeCompare(activity(a)) || b.id - a.id)
}
