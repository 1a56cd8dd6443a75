/** The caller's conversation list: one query for the rows, one for participants, one for last messages. */
import { and, eq, isNull, or, sql } from "drizzle-orm"
import { conversations, conversationParticipants as cp, messages } from "../../db/schema.ts"
import type { Conversation, Message, Participant, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { messagesByIds } from "./messageRows.ts"

export interface ConversationSummary extends Conversation {
  role: Role
  blocked: boolean
  lastMessage: Message | null
}

type ConversationRow = typeof conversations.$inferSelect

export const toConversation = (c: ConversationRow, participants: Participant[]): Conversation => ({
  id: c.id,
  type: c.type,
  title: c.title,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
  archivedAt: c.archivedAt?.toISOString() ?? null,
  participants,
})

/** The conversations `userId` takes part in, most recently active first. */
export async function listConversations(
  db: Db,
  participants: (ids: number[]) => Promise<Map<number, Participant[]>>,
  userId: number,
  { includeBlocked = false }: { includeBlocked?: boolean },
): Promise<ConversationSummary[]> {
  const lastId = sql<
    number | null
  >`(select max(${messages.id}) from ${messages} where ${messages.conversationId} = ${conversations.id})`
  const rows = await db
    .select({
      conversation: conversations,
      role: cp.role,
      blockedAt: cp.blockedAt,
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
    ),
  ])
  const lastById = new Map(lasts.map((m) => [m.id, m]))
  const activity = (s: ConversationSummary) => s.lastMessage?.createdAt ?? s.createdAt
  return rows
    .map((r) => ({
      ...toConversation(r.conversation, people.get(r.conversation.id) ?? []),
      role: r.role,
      blocked: r.blockedAt !== null,
      lastMessage: (r.lastMessageId && lastById.get(r.lastMessageId)) || null,
    }))
    .sort((a, b) => activity(b).localeCompare(activity(a)) || b.id - a.id)
}
