/** Conversations and their participants: creation, listing, and the membership checks every action makes. */
import { and, eq, inArray, isNull, sql } from "drizzle-orm"
import { conversations, conversationParticipants as cp, messages, users } from "../../db/schema.ts"
import type { Conversation, Message, Participant, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { CreateConversationInput } from "../schemas.ts"
import { messagesByIds } from "./messageRows.ts"
import type { Presence } from "./presence.ts"
import type { UserService } from "./userService.ts"

export interface ConversationSummary extends Conversation {
  role: Role
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
  maxParticipants: number
}

/** Conversation service; keeps active memberships cached so permission checks cost no query. */
export function createConversationService({
  db,
  users: userService,
  presence,
  maxParticipants,
}: ConversationDeps) {
  // conversation id -> (user id -> role) of active participants, loaded on first use.
  const memberships = new Map<number, Map<number, Role>>()

  async function members(conversationId: number): Promise<Map<number, Role> | undefined> {
    const cached = memberships.get(conversationId)
    if (cached) return cached
    const exists = await db.query.conversations.findFirst({
      columns: { id: true },
      where: eq(conversations.id, conversationId),
    })
    if (!exists) return undefined
    const rows = await db
      .select({ userId: cp.userId, role: cp.role })
      .from(cp)
      .where(and(eq(cp.conversationId, conversationId), isNull(cp.leftAt)))
    const map = new Map(rows.map((r) => [r.userId, r.role]))
    memberships.set(conversationId, map)
    return map
  }

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

  const service = {
    /** The caller's role; NOT_FOUND for an unknown conversation, FORBIDDEN for a non-participant. */
    async requireMember(conversationId: number, userId: number): Promise<Role> {
      const map = await members(conversationId)
      if (!map) throw new AppError("NOT_FOUND", `Conversation ${conversationId} does not exist`)
      const role = map.get(userId)
      if (!role)
        throw new AppError("FORBIDDEN", `You are not a participant of conversation ${conversationId}`)
      return role
    },

    /** Ids of the active participants (cached). */
    async memberIds(conversationId: number): Promise<number[]> {
      return [...((await members(conversationId))?.keys() ?? [])]
    },

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
      if (others.length + 1 > maxParticipants) {
        throw new AppError("BAD_REQUEST", `participantIds: at most ${maxParticipants} participants`, {
          field: "participantIds",
        })
      }
      const unknown = await userService.unknownIds(others)
      if (unknown.length > 0) {
        throw new AppError(
          "BAD_REQUEST",
          `participantIds: unknown user ids ${unknown.slice(0, 20).join(", ")}`,
          {
            field: "participantIds",
          },
        )
      }
      const directKey =
        input.type === "direct" ? [creatorId, others[0]!].sort((a, b) => a - b).join(":") : null
      if (directKey) {
        const existing = await db.query.conversations.findFirst({
          where: eq(conversations.directKey, directKey),
        })
        if (existing) return { conversation: await service.get(existing.id, creatorId), created: false }
      }
      const [row] = await db
        .insert(conversations)
        .values({ type: input.type, title: input.title ?? null, createdBy: creatorId, directKey })
        .onConflictDoNothing()
        .returning()
      if (!row) {
        // Two creations of the same direct pair raced; the other one won.
        const existing = await db.query.conversations.findFirst({
          where: eq(conversations.directKey, directKey!),
        })
        return { conversation: await service.get(existing!.id, creatorId), created: false }
      }
      // A direct conversation has no admin: neither side may remove the other.
      const creatorRole: Role = input.type === "direct" ? "member" : "admin"
      await db
        .insert(cp)
        .values([
          { conversationId: row.id, userId: creatorId, role: creatorRole },
          ...others.map((userId) => ({ conversationId: row.id, userId, role: "member" as const })),
        ])
      memberships.delete(row.id)
      return { conversation: await service.get(row.id, creatorId), created: true }
    },

    /** One conversation with its participants, for a participant. */
    async get(conversationId: number, userId: number): Promise<Conversation> {
      await service.requireMember(conversationId, userId)
      const row = await db.query.conversations.findFirst({ where: eq(conversations.id, conversationId) })
      if (!row) throw new AppError("NOT_FOUND", `Conversation ${conversationId} does not exist`)
      return toConversation(row, (await participants([conversationId])).get(conversationId) ?? [])
    },

    /** The active participants of a conversation, with presence. */
    async participants(conversationId: number): Promise<Participant[]> {
      return (await participants([conversationId])).get(conversationId) ?? []
    },

    /** The caller's conversations, most recently active first, each with its last message. */
    async list(userId: number): Promise<ConversationSummary[]> {
      const lastId = sql<
        number | null
      >`(select max(${messages.id}) from ${messages} where ${messages.conversationId} = ${conversations.id})`
      const rows = await db
        .select({ conversation: conversations, role: cp.role, lastMessageId: lastId })
        .from(cp)
        .innerJoin(conversations, eq(conversations.id, cp.conversationId))
        .where(and(eq(cp.userId, userId), isNull(cp.leftAt)))
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
          lastMessage: (r.lastMessageId && lastById.get(r.lastMessageId)) || null,
        }))
        .sort((a, b) => activity(b).localeCompare(activity(a)) || b.id - a.id)
    },
  }
  return service
}

export type ConversationService = ReturnType<typeof createConversationService>
