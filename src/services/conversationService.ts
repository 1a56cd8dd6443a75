/** Conversations: creation (with its participants, in one transaction), one with its participants, the list. */
import { and, eq, type SQL, sql } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { Conversation, ConversationDetail, Participant, PublicUser, Role } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { CreateConversationInput } from "../schemas/inputs.ts"
import type { Membership } from "../stores/membership.ts"
import type { Presence } from "../stores/presence.ts"
import type { TokenBucket } from "../stores/rateLimits.ts"
import type { AuditLog } from "./audit.ts"
import { activeMute, listConversations, toConversation } from "./conversationList.ts"
import { isConstraintError } from "./messageWriter.ts"
import { admitMembers, lastSeenOf, newParticipant, participantsOf } from "./participantRows.ts"
import { departedBlockers, notAddable, refusedIds } from "./refusedIds.ts"
import { type ConversationKey, storedSeq, storeEvent } from "./storedEvents.ts"
import { commit, type Step } from "./transaction.ts"
import type { UserService } from "./userService.ts"

export interface ConversationDeps {
  db: Db
  bus: EventBus
  users: UserService
  presence: Presence
  membership: Membership
  audit: AuditLog
  maxParticipants: number
  /** Per creator: a flood of new groups would flood their members with `conversation_added`. */
  createLimit: TokenBucket
}

export interface AdmitOptions {
  /** Changes committed with the admission: before it (the conversation's INSERT), and after. */
  before?: Step[]
  after?: Step[]
  /** Roles other than "member". */
  roles?: Map<number, Role>
  /** Also clear a block the user had set before leaving. */
  forgetBlock?: boolean
}

const CREATED_ID_SQL = "(SELECT max(id) FROM conversations)"
const CREATED_ID: SQL = sql.raw(CREATED_ID_SQL)

/** Conversations over one database; creation publishes `participant_added` for everyone but the creator. */
export function createConversationService({
  db,
  bus,
  users: userService,
  presence,
  membership,
  audit,
  maxParticipants,
  createLimit,
}: ConversationDeps) {
  const participants = (ids: number[]) => participantsOf(db, presence, ids)

  /**
   * The profiles of users about to be added. The participant cap is checked first; then, with `by`,
   * the ids that caller may not add (refusedIds.ts) are refused exactly like unknown ids, so that
   * nobody learns from the answer which ids exist.
   */
  async function newcomers(
    ids: number[],
    existing: number,
    by?: { callerId: number; conversationId?: number },
  ): Promise<Map<number, PublicUser>> {
    if (ids.length + existing > maxParticipants) {
      throw new AppError("BAD_REQUEST", `participantIds: at most ${maxParticipants} participants`, {
        field: "participantIds",
      })
    }
    const found = await userService.publicUsers(ids)
    const refused = new Set(ids.filter((id) => !found.has(id)))
    if (by)
      for (const id of await refusedIds(db, by.callerId, [...found.keys()], by.conversationId))
        refused.add(id)
    if (refused.size > 0) throw notAddable(ids.filter((id) => refused.has(id)))
    return found
  }

  /**
   * Admits users and stores one `participant_added` per user, all in one transaction; publishes the
   * events at once, then tells each admitted user's devices (but the actor's) of the conversation.
   */
  async function admit(
    key: ConversationKey,
    people: PublicUser[],
    by: PublicUser,
    { before = [], after = [], roles = new Map(), forgetBlock = false }: AdmitOptions = {},
  ): Promise<{ conversationId: number; added: Participant[] }> {
    const joinedAt = new Date()
    const seen = await lastSeenOf(
      db,
      people.map((u) => u.id),
    )
    const online = await presence.online(people.map((u) => u.id))
    const added = people.map((u) =>
      newParticipant(u, roles.get(u.id) ?? "member", joinedAt, online.has(u.id), seen.get(u.id) ?? null),
    )
    const conversationId = key === "created" ? CREATED_ID : key
    const results = await commit(db, [
      ...before,
      admitMembers(
        db,
        conversationId,
        added.map((p) => ({ userId: p.id, role: p.role })),
        joinedAt,
        { forgetBlock },
      ),
      ...after,
      ...added
        .filter((p) => p.id !== by.id || key !== "created")
        .flatMap((participant) => storeEvent(key, "participant_added", { participant, by })),
    ])
    const id = key === "created" ? Number(results[0]!.rows[0]![0]) : key
    membership.invalidate(id)
    const announced = added.filter((p) => p.id !== by.id || key !== "created")
    const firstEvent = before.length + 1 + after.length
    announced.forEach((participant, i) => {
      const seq = storedSeq(results[firstEvent + 2 * i + 1])
      bus.emit("participant_added", { conversationId: id, seq, participant, by })
    })
    const conversation = (await service.load(id))!
    for (const p of announced)
      if (p.id !== by.id) bus.emit("conversation_added", { userId: p.id, conversation, by })
    return { conversationId: id, added }
  }

  const service = {
    /** Unknown ids and the participant cap, checked before anyone is added; the newcomers' profiles. */
    newcomers,
    admit,

    /**
     * Creates a group, or a direct conversation. A pair has one direct conversation: asking again
     * returns it, with whichever side had left it admitted back.
     */
    async create(
      creator: PublicUser,
      input: CreateConversationInput,
    ): Promise<{ conversation: Conversation; created: boolean }> {
      await createLimit.consume(creator.id)
      const others = [...new Set(input.participantIds)].filter((id) => id !== creator.id)
      if (input.type === "direct" && others.length !== 1) {
        throw new AppError(
          "BAD_REQUEST",
          "participantIds: a direct conversation has exactly one other participant",
          { field: "participantIds" },
        )
      }
      // A direct conversation weighs blocks when it is asked for again (admitAgain).
      const people = await newcomers(others, 1, input.type === "group" ? { callerId: creator.id } : undefined)
      const pair = input.type === "direct" ? [creator.id, others[0]!].sort((a, b) => a - b) : undefined
      const directKey = pair?.join(":") ?? null
      const findDirect = () =>
        db.query.conversations.findFirst({ where: eq(conversations.directKey, directKey!) })
      const again = async (id: number) => ({
        conversation: await admitAgain(id, pair!, creator),
        created: false,
      })

      const existing = directKey ? await findDirect() : undefined
      if (existing) return again(existing.id)
      // A direct conversation has no admin: neither side may remove the other.
      const creatorRole: Role = input.type === "direct" ? "member" : "admin"
      const insert = db
        .insert(conversations)
        .values({ type: input.type, title: input.title ?? null, createdBy: creator.id, directKey })
        .returning({ id: conversations.id })
      try {
        const members = [creator, ...others.map((id) => people.get(id)!)]
        const roles = new Map([[creator.id, creatorRole]])
        const record = audit.step({
          action: "conversation.create",
          actorId: creator.id,
          target: { sql: `'conversation:' || ${CREATED_ID_SQL}`, args: [] },
          details: { type: input.type, participantIds: others },
        })
        const { conversationId } = await admit("created", members, creator, {
          before: [insert],
          after: [record],
          roles,
        })
        return { conversation: (await service.load(conversationId))!, created: true }
      } catch (err) {
        // The pair's unique key: two creations of the same direct pair raced and the other one won.
        if (directKey && isConstraintError(err)) return again((await findDirect())!.id)
        throw err
      }
    },

    /** One conversation with its participants and the caller's own mute, for a participant. */
    async get(conversationId: number, userId: number): Promise<ConversationDetail> {
      await membership.require(conversationId, userId)
      const [conversation, mine] = await Promise.all([
        service.load(conversationId),
        db.query.conversationParticipants.findFirst({
          columns: { mutedUntil: true },
          where: and(eq(cp.conversationId, conversationId), eq(cp.userId, userId)),
        }),
      ])
      return { ...conversation!, mutedUntil: activeMute(mine?.mutedUntil ?? null) }
    },

    /** One conversation with its participants, without a permission check. */
    async load(conversationId: number): Promise<Conversation | undefined> {
      const row = await db.query.conversations.findFirst({ where: eq(conversations.id, conversationId) })
      return row && toConversation(row, (await participants([conversationId])).get(conversationId) ?? [])
    },

    /** The active participants of a conversation, with presence and pointers. */
    async participants(conversationId: number): Promise<Participant[]> {
      return (await participants([conversationId])).get(conversationId) ?? []
    },

    /** The caller's conversations, most recently active first, each with its last message and unread count. */
    list: (userId: number, options: { includeBlocked?: boolean } = {}) =>
      listConversations(db, participants, userId, options),
  }

  /**
   * Makes both sides of a direct conversation participants again (one of them may have left)
   * and un-archives it. A block set before leaving still holds: only its author lifts it.
   */
  async function admitAgain(conversationId: number, pair: number[], by: PublicUser): Promise<Conversation> {
    const { members } = (await membership.load(conversationId))!
    const missing = pair.filter((id) => !members.has(id))
    // A side that blocked it and left is not brought back by the other: a block is honoured.
    const refused = (await departedBlockers(db, conversationId, missing)).filter((id) => id !== by.id)
    if (refused.length > 0) throw notAddable(refused)
    if (missing.length > 0) {
      const people = await userService.publicUsers(missing)
      // A deleted account stays out: its side of the pair is gone for good.
      const gone = missing.filter((id) => !people.has(id))
      if (gone.length > 0) throw notAddable(gone)
      const unarchive = db
        .update(conversations)
        .set({ archivedAt: null })
        .where(eq(conversations.id, conversationId))
      await admit(
        conversationId,
        missing.map((id) => people.get(id)!),
        by,
        { after: [unarchive] },
      )
    }
    return (await service.load(conversationId))!
  }

  return service
}

export type ConversationService = ReturnType<typeof createConversationService>
