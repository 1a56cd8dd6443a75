/**
 * Read receipts and pointers. Each participant has a read and a delivered pointer (a seq) that only
 * move forward; reading implies delivery. They are state, not sequenced events: a move is
 * published to the room (coalesced by the socket layer) and stored, and sync reports where they stand.
 */
import { and, eq, getTableName, isNull, sql } from "drizzle-orm"
import { conversationParticipants as cp, messageReads, messages } from "../../db/schema.ts"
import type { AckPayload } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import { unreadCountSql } from "./conversationList.ts"

export interface PointerDeps {
  db: Db
  membership: Membership
  bus: EventBus
}

/** Pointers over one database; moves are published on the bus as `pointer_moved`. */
export function createPointers({ db, membership, bus }: PointerDeps) {
  const lastSeq = (conversationId: number) =>
    sql`(SELECT last_seq FROM conversations WHERE id = ${conversationId})`

  /** Moves `pointer` up to `seq` (never past the conversation's last); the pointers as they now stand. */
  async function move(userId: number, conversationId: number, seq: number, pointer: "read" | "delivered") {
    const target = sql`min(${seq}, ${lastSeq(conversationId)})`
    const set =
      pointer === "read"
        ? {
            readSeq: sql`max(${cp.readSeq}, ${target})`,
            deliveredSeq: sql`max(${cp.deliveredSeq}, ${target})`,
          }
        : { deliveredSeq: sql`max(${cp.deliveredSeq}, ${target})` }
    const before = await db
      .select({ readSeq: cp.readSeq, deliveredSeq: cp.deliveredSeq })
      .from(cp)
      .where(and(eq(cp.conversationId, conversationId), eq(cp.userId, userId)))
    const [after] = await db
      .update(cp)
      .set(set)
      .where(and(eq(cp.conversationId, conversationId), eq(cp.userId, userId), isNull(cp.leftAt)))
      .returning({
        readSeq: cp.readSeq,
        deliveredSeq: cp.deliveredSeq,
        // Drizzle writes RETURNING columns unqualified, and inside the count's subquery
        // "conversation_id" would name the message's own column (counting every conversation):
        // give the ids as values and the new read pointer by its full name.
        unreadCount: unreadCountSql(
          conversationId,
          userId,
          sql.raw(`"${getTableName(cp)}"."${cp.readSeq.name}"`),
        ),
      })
    if (!after || !before[0])
      throw new AppError("FORBIDDEN", `You are not a participant of conversation ${conversationId}`)
    if (after.readSeq > before[0].readSeq)
      bus.emit("pointer_moved", { conversationId, userId, seq: after.readSeq, pointer: "read" })
    if (after.deliveredSeq > before[0].deliveredSeq)
      bus.emit("pointer_moved", { conversationId, userId, seq: after.deliveredSeq, pointer: "delivered" })
    return { ...after, unreadCount: Number(after.unreadCount) }
  }

  return {
    /** Moves my read pointer up to `seq`. */
    async markRead(userId: number, conversationId: number, seq: number): Promise<AckPayload<"mark_read">> {
      await membership.require(conversationId, userId)
      const { readSeq, unreadCount } = await move(userId, conversationId, seq, "read")
      return { conversationId, readSeq, unreadCount }
    },

    /** Moves my delivered pointer up to `seq`. */
    async markDelivered(
      userId: number,
      conversationId: number,
      seq: number,
    ): Promise<AckPayload<"mark_delivered">> {
      await membership.require(conversationId, userId)
      const { deliveredSeq } = await move(userId, conversationId, seq, "delivered")
      return { conversationId, deliveredSeq }
    },

    /**
     * The seed's receipt: records that `userId` read a message, once (a repeat returns the first
     * receipt, unpublished), and moves the read pointer up to it.
     */
    async markMessageRead(userId: number, messageId: number): Promise<AckPayload<"mark_message_read">> {
      const target = await db.query.messages.findFirst({
        columns: { conversationId: true, seq: true },
        where: eq(messages.id, messageId),
      })
      if (!target) throw new AppError("NOT_FOUND", `Message ${messageId} does not exist`)
      await membership.require(target.conversationId, userId)
      const [inserted] = await db
        .insert(messageReads)
        .values({ messageId, userId, readAt: new Date() })
        .onConflictDoNothing()
        .returning({ readAt: messageReads.readAt })
      const readAt =
        inserted?.readAt ??
        (await db.query.messageReads.findFirst({
          where: and(eq(messageReads.messageId, messageId), eq(messageReads.userId, userId)),
        }))!.readAt
      const payload = {
        conversationId: target.conversationId,
        messageId,
        userId,
        readAt: readAt.toISOString(),
      }
      if (inserted) bus.emit("message_read", payload)
      await move(userId, target.conversationId, target.seq, "read")
      return { ...payload, duplicate: !inserted }
    },
  }
}

export type Pointers = ReturnType<typeof createPointers>
