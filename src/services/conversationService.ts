/** Conversations: creation, one with its participants, and the caller's list. */
import { eq } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { Conversation, Participant, PublicUser, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { CreateConversationInput } from "../schemas/inputs.ts"
import type { Membership } from "../stores/membership.ts"
import type { Presence } from "../stores/presence.ts"
import { listConversations, toConversation } from "./conversationList.ts"
import { admitMembers, participantsOf } from "./participantRows.ts"
import type { UserService } from "./userService.ts"

export interface ConversationDeps {
  db: Db
  bus: EventBus
  users: UserService
  presence: Presence
  membership: Membership
  maxParticipants: number
}

/** Conversations over one database; creation publishes `participant_added` for everyone but the creator. */
export function createConversationService({
  db,
  bus,
  users: userService,
  presence,
  membership,
  maxParticipants,
}: ConversationDeps) {
  const participants = (ids: number[]) => participantsOf(db, presence, ids)

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

  /** Tells the room and each new participant's devices. */
  function announce(conversation: Conversation, userIds: number[], by: PublicUser) {
    for (const participant of conversation.participants) {
      if (userIds.includes(participant.id)) {
        bus.emit("participant_added", { conversationId: conversation.id, participant, by, conversation })
      }
    }
  }

  /**
   * Makes both sides of a direct conversation participants again (one of them may have left, or a
   * crash may have cut its creation short) and un-archives it.
   */
  async function admitAgain(conversationId: number, pair: number[], by: PublicUser): Promise<Conversation> {
    const { members } = (await membership.load(conversationId))!
    const missing = pair.filter((id) => !members.has(id))
    if (missing.length > 0) {
      // A block set before leaving still holds: only its author lifts it.
      await admitMembers(db, conversationId, missing, { forgetBlock: false })
      await db.update(conversations).set({ archivedAt: null }).where(eq(conversations.id, conversationId))
      membership.invalidate(conversationId)
    }
    const conversation = (await service.load(conversationId))!
    announce(
      conversation,
      missing.filter((id) => id !== by.id),
      by,
    )
    return conversation
  }

  const service = {
    checkNewParticipants,

    /**
     * Creates a group, or a direct conversation. A pair has one direct conversation: asking again
     * returns it, with whichever side had left it admitted back.
     */
    async create(
      creator: PublicUser,
      input: CreateConversationInput,
    ): Promise<{ conversation: Conversation; created: boolean }> {
      const others = [...new Set(input.participantIds)].filter((id) => id !== creator.id)
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
      const pair = input.type === "direct" ? [creator.id, others[0]!].sort((a, b) => a - b) : undefined
      const directKey = pair?.join(":") ?? null
      const findDirect = () =>
        db.query.conversations.findFirst({ where: eq(conversations.directKey, directKey!) })

      const existing = directKey ? await findDirect() : undefined
      if (existing) return { conversation: await admitAgain(existing.id, pair!, creator), created: false }
      const [row] = await db
        .insert(conversations)
        .values({ type: input.type, title: input.title ?? null, createdBy: creator.id, directKey })
        .onConflictDoNothing()
        .returning()
      // No row: two creations of the same direct pair raced and the other one won.
      if (!row)
        return { conversation: await admitAgain((await findDirect())!.id, pair!, creator), created: false }
      // A direct conversation has no admin: neither side may remove the other.
      const creatorRole: Role = input.type === "direct" ? "member" : "admin"
      await db
        .insert(cp)
        .values([
          { conversationId: row.id, userId: creator.id, role: creatorRole },
          ...others.map((userId) => ({ conversationId: row.id, userId, role: "member" as const })),
        ])
      membership.invalidate(row.id)
      const conversation = (await service.load(row.id))!
      announce(conversation, others, creator)
      return { conversation, created: true }
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
    list: (userId: number, options: { includeBlocked?: boolean } = {}) =>
      listConversations(db, participants, userId, options),
  }
  return service
}

export type ConversationService = ReturnType<typeof createConversationService>
