/**
 * Sync: what a client missed, as the stored events after the seq it holds, oldest first, each
 * `{seq, type, data}` with `data` the live payload; and where everyone's pointers stand. A
 * participant who left or was removed gets the events up to their departure, nothing after.
 */
import { and, eq, inArray, isNull } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { EventsPage, ParticipantPointers, SyncResult } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { SyncInput } from "../schemas/inputs.ts"
import { unreadCountSql } from "./conversationList.ts"
import { eventsAfter } from "./replay.ts"

/** Where the caller stands in one conversation. */
interface Standing {
  conversationId: number
  lastSeq: number
  readSeq: number
  deliveredSeq: number
  unreadCount: number
  /** The last seq the caller may see: the conversation's last, or their departure's. */
  upTo: number
  active: boolean
}

/** Sync over one database. */
export function createSync({ db }: { db: Db }) {
  /** The caller's participant rows (present and departed), with unread counts, by conversation. */
  async function standings(userId: number, conversationIds?: number[]): Promise<Map<number, Standing>> {
    const rows = await db
      .select({
        conversationId: cp.conversationId,
        lastSeq: conversations.lastSeq,
        readSeq: cp.readSeq,
        deliveredSeq: cp.deliveredSeq,
        leftAt: cp.leftAt,
        leftSeq: cp.leftSeq,
        unreadCount: unreadCountSql(cp.conversationId, cp.userId, cp.readSeq),
      })
      .from(cp)
      .innerJoin(conversations, eq(conversations.id, cp.conversationId))
      .where(
        and(eq(cp.userId, userId), conversationIds ? inArray(cp.conversationId, conversationIds) : undefined),
      )
    return new Map(
      rows.map((r) => {
        const active = r.leftAt === null
        const upTo = active ? r.lastSeq : Math.min(r.leftSeq ?? 0, r.lastSeq)
        const standing: Standing = {
          conversationId: r.conversationId,
          lastSeq: upTo,
          readSeq: r.readSeq,
          deliveredSeq: r.deliveredSeq,
          unreadCount: active ? Number(r.unreadCount) : 0,
          upTo,
          active,
        }
        return [r.conversationId, standing]
      }),
    )
  }

  /** The active participants' pointers in each conversation. */
  async function pointersOf(conversationIds: number[]): Promise<Map<number, ParticipantPointers[]>> {
    const byConversation = new Map<number, ParticipantPointers[]>(conversationIds.map((id) => [id, []]))
    if (conversationIds.length === 0) return byConversation
    const rows = await db
      .select({
        conversationId: cp.conversationId,
        userId: cp.userId,
        readSeq: cp.readSeq,
        deliveredSeq: cp.deliveredSeq,
      })
      .from(cp)
      .where(and(inArray(cp.conversationId, conversationIds), isNull(cp.leftAt)))
      .orderBy(cp.userId)
    for (const { conversationId, ...p } of rows) byConversation.get(conversationId)?.push(p)
    return byConversation
  }

  async function pageOf(
    userId: number,
    s: Standing,
    after: number,
    limit: number,
    pointers: ParticipantPointers[],
  ): Promise<EventsPage> {
    const { events, hasMore } = await eventsAfter(db, userId, s.conversationId, after, s.upTo, limit)
    const { upTo: _, ...standing } = s
    return { ...standing, events, hasMore, participants: s.active ? pointers : [] }
  }

  return {
    /** One conversation's events after `after`: FORBIDDEN to someone who never took part. */
    async events(userId: number, conversationId: number, after: number, limit: number): Promise<EventsPage> {
      const standing = (await standings(userId, [conversationId])).get(conversationId)
      if (!standing) {
        const exists = await db.query.conversations.findFirst({
          columns: { id: true },
          where: eq(conversations.id, conversationId),
        })
        if (!exists) throw new AppError("NOT_FOUND", `Conversation ${conversationId} does not exist`)
        throw new AppError("FORBIDDEN", `You are not a participant of conversation ${conversationId}`)
      }
      const pointers = (await pointersOf([conversationId])).get(conversationId) ?? []
      return pageOf(userId, standing, after, limit, pointers)
    },

    /**
     * Every listed conversation's events after the seq the client holds; the caller's other
     * conversations (unlisted, with their last seq); and the listed ones it may no longer see.
     */
    async sync(userId: number, input: SyncInput): Promise<SyncResult> {
      const listed = Object.entries(input.conversations).map(([id, after]) => [Number(id), after] as const)
      const mine = await standings(userId)
      const visible = listed.filter(([id]) => mine.has(id))
      const pointers = await pointersOf(visible.filter(([id]) => mine.get(id)!.active).map(([id]) => id))
      const pages: EventsPage[] = []
      for (const [id, after] of visible)
        pages.push(await pageOf(userId, mine.get(id)!, after, input.limit, pointers.get(id) ?? []))
      const listedIds = new Set(listed.map(([id]) => id))
      return {
        conversations: pages,
        unlisted: [...mine.values()]
          .filter((s) => s.active && !listedIds.has(s.conversationId))
          .map((s) => ({ conversationId: s.conversationId, lastSeq: s.lastSeq })),
        gone: listed.filter(([id]) => !mine.get(id)?.active).map(([id]) => id),
      }
    },
  }
}

export type Sync = ReturnType<typeof createSync>
