/**
 * Sync: what a client missed, as the stored events after the seq it holds, oldest first, each
 * `{seq, type, data}` with `data` the live payload; and where everyone's pointers stand. A
 * participant who left or was removed gets the events up to their departure, nothing after.
 */
import { and, eq, inArray, isNull } from "drizzle-orm"
import { conversations, conversationParticipants as cp } from "../../db/schema.ts"
import type { EventsPage, ParticipantPointers, StoredEvent, SyncResult } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { SyncInput } from "../schemas/inputs.ts"
import { unreadCountSql } from "./conversationList.ts"
import { messagesByIds } from "./messageRows.ts"
import { MESSAGE_CHANGES } from "./storedEvents.ts"

// Messages carry their own seq; every other event is a conversation_events row. Each arm is read
// in order on its (conversation_id, seq) index and cut at the page size before the two are merged:
// without the inner limits SQLite would sort every later event of the conversation first. Like
// new_message, an edit is replayed with the message as it stands now (`ref`). The edits and
// reactions of a message deleted since are left out: their content is erased, and its
// message_deleted, later in the sequence, says what remains.
const EVENTS_AFTER = `
  SELECT * FROM (SELECT seq, 'new_message' AS type, id AS ref, NULL AS data FROM messages
   WHERE conversation_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?)
  UNION ALL
  SELECT * FROM (SELECT e.seq, e.type, CASE WHEN e.type = 'message_edited' THEN e.message_id END AS ref,
      e.data FROM conversation_events e
   WHERE e.conversation_id = ? AND e.seq > ? AND e.seq <= ?
     AND NOT (e.type IN (${MESSAGE_CHANGES.map((t) => `'${t}'`).join(", ")}) AND EXISTS (
       SELECT 1 FROM messages d WHERE d.id = e.message_id AND d.deleted_at IS NOT NULL))
   ORDER BY e.seq LIMIT ?)
  ORDER BY seq LIMIT ?`

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

  /** Up to `limit` events after `after`, never past `upTo`; and whether more follow. */
  async function eventsAfter(
    userId: number,
    conversationId: number,
    after: number,
    upTo: number,
    limit: number,
  ) {
    const { rows } = await db.$client.execute({
      sql: EVENTS_AFTER,
      args: [conversationId, after, upTo, limit + 1, conversationId, after, upTo, limit + 1, limit + 1],
    })
    const page = rows.slice(0, limit)
    const refs = page.flatMap((r) => (r.ref === null ? [] : [Number(r.ref)]))
    const byId = new Map((await messagesByIds(db, refs, userId)).map((m) => [m.id, m]))
    const events: StoredEvent[] = page.map((r) => {
      const seq = Number(r.seq)
      const data =
        r.ref === null
          ? { ...(JSON.parse(String(r.data)) as object), conversationId, seq }
          : { conversationId, seq, message: byId.get(Number(r.ref)) }
      return { seq, type: String(r.type) as StoredEvent["type"], data }
    })
    return { events, hasMore: rows.length > limit }
  }

  async function pageOf(
    userId: number,
    s: Standing,
    after: number,
    limit: number,
    pointers: ParticipantPointers[],
  ): Promise<EventsPage> {
    const { events, hasMore } = await eventsAfter(userId, s.conversationId, after, s.upTo, limit)
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
