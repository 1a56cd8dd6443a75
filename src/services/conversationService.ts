/** Conversations: creation, one with its participants, and the caller's list. */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm"
import { conversations, conversationParticipants as cp, messages, users } from "../../db/schema.ts"
import type { Conversation, Message, Participant, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { CreateConversationInput } from "../schemas.ts"
import type { Membership } from "./membership.ts"
import { messagesByIds } from "./messageRows.ts"
import type { Presence } from "./presence.ts"
import type { UserService } from "./userService.ts"

export interface ConversationSummary extends Conversation {
  role: Role
  blocked: boolean
  lastMessage: Message | null
}

type ConversationRow = typeof conversations.$inferSelect

const toConversation = (c: ConversationRow, participants: Participant[]): Conversation => ({
  id: c.id,
  type: c.type,
  title: c.title,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
  archivedAt: c.archivedAt?.toISOString() ?? null,
  participants,
})

export interface ConversationDeps {
  db: Db
  users: UserService
  presence: Presence
  membership: Membership
  maxParticipants: number
}

/** Conversation service. */
export function createConversationService({
  db,
  users: userService,
  presence,
  membership,
  maxParticipants,
}: ConversationDeps) {
  async function participants(conversationIds: number[]): Promise<Map<number, Participant[]>> {
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

  /** Unknown ids and the participant cap, checked before anyone is added. */
  async function checkNewParticipants(ids: number[], existing: number): Promise<void> {
    if (ids.length + existing > maxParticipants) {
      throw new AppError("BAD_REQUEST", `participantIds: at most ${maxParticipants} participants`, {
        field: "participantIds",
      })
    }
    const unknown = await userService.unknownIds(ids)
    if (unknown.length > 0) {
      throw new AppError(
        "BAD_REQUEST",
        `participantIds: unknown user ids ${unknown.slice(0, 20).join(", ")}`,
        {
          field: "participantIds",
        },
      )
    }
  }

  const service = {
    checkNewParticipants,

    /** Creates a group, or a direct conversation (returning the existing one for the same pair). */
    async create(
      creatorId: number,
      input: CreateConversationInput,
    ): Promise<{ conversation: Conversation; created: boolean }> {
      const others = [...new Set(input.participantIds)].filter((id) => id !== creatorId)
      if (input.type === "direct" && others.length !== 1) {
        throw new AppError(
          "BAD_REQUEST",
          "participantIds: a direct conversation has exactly one other participant",
          {
            field: "participantIds",
          },
        )
      }
      await checkNewParticipants(others, 1)
      const directKey =
        input.type === "direct" ? [creatorId, others[0]!].sort((a, b) => a - b).join(":") : null
      const existingDirect = async () => {
        const found = await db.query.conversations.findFirst({
          where: eq(conversations.directKey, directKey!),
        })
        return found && { conversation: await service.get(found.id, creatorId), created: false }
      }
      if (directKey) {
        const existing = await existingDirect()
        if (existing) return existing
      }
      const [row] = await db
        .insert(conversations)
        .values({ type: input.type, title: input.title ?? null, createdBy: creatorId, directKey })
        .onConflictDoNothing()
        .returning()
      // No row: two creations of the same direct pair raced and the other one won.
      if (!row) return (await existingDirect())!
      // A direct conversation has no admin: neither side may remove the other.
      const creatorRole: Role = input.type === "direct" ? "member" : "admin"
      await db
        .insert(cp)
        .values([
          { conversationId: row.id, userId: creatorId, role: creatorRole },
          ...others.map((userId) => ({ conversationId: row.id, userId, role: "member" as const })),
        ])
      membership.invalidate(row.id)
      return { conversation: await service.get(row.id, creatorId), created: true }
    },

    /** One conversation with its participants, for a participant. */
    async get(conversationId: number, userId: number): Promise<Conversation> {
      await membership.require(conversationId, userId)
      return (await service.load(conversationId))!
    },

    /** One conversation with its participants, without a permission check. */
    async load(conversationId: number): Promise<Conversation | undefined> {
      const row = await db.query.conversations.findFirst({ where: eq(conversations.id, conversationId) })
      return row && toConversation(row, (await participants([conversationId])).get(conversationId) ?? [])
    },

    /** The active participants of a conversation, with presence. */
    async participants(conversationId: number): Promise<Participant[]> {
      return (await participants([conversationId])).get(conversationId) ?? []
    },

    /** The caller's conversations, most recently active first, each with its last message. */
    async list(userId: number, { includeBlocked = false } = {}): Promise<ConversationSummary[]> {
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
    },
  }
  return service
}

export type ConversationService = ReturnType<typeof createConversationService>
