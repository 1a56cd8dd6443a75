/** Messages: sending (committed before anyone hears of it), history pages and read receipts. */
import { and, eq } from "drizzle-orm"
import { messageReads, messages } from "../../db/schema.ts"
import type { Message, MessageReadPayload, PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { SendMessageInput } from "../schemas/inputs.ts"
import type { Membership } from "../stores/membership.ts"
import type { createTokenBucket } from "../stores/rateLimits.ts"
import { historyQueries } from "./messageRows.ts"
import { createMessageWriter } from "./messageWriter.ts"

export interface MessageDeps {
  db: Db
  membership: Membership
  bus: EventBus
  /** Per-sender limit shared by every way of sending. */
  sendLimit: ReturnType<typeof createTokenBucket>
}

/** Message service; publishes `message_created` and `message_read` on the bus after commit. */
export function createMessageService({ db, membership, bus, sendLimit }: MessageDeps) {
  const writer = createMessageWriter(db)
  const historyPage = historyQueries(db)

  return {
    /** Stores a message from `sender`; resolves after commit, once it has been published. */
    async send(sender: PublicUser, input: SendMessageInput): Promise<Message> {
      await membership.requireUnblocked(input.conversationId, sender.id)
      sendLimit.take(sender.id)
      if (input.replyToMessageId != null) {
        const target = await db.query.messages.findFirst({
          columns: { conversationId: true },
          where: eq(messages.id, input.replyToMessageId),
        })
        if (target?.conversationId !== input.conversationId) {
          throw new AppError("BAD_REQUEST", "replyToMessageId must name a message of this conversation", {
            field: "replyToMessageId",
          })
        }
      }
      const createdAt = new Date()
      const row = {
        conversationId: input.conversationId,
        senderId: sender.id,
        text: input.text ?? null,
        audioUrl: input.audioUrl ?? null,
        replyToMessageId: input.replyToMessageId ?? null,
        createdAt,
      }
      // The writer resolves a batch in id order and nothing below awaits before the emit,
      // so every conversation's messages are published in stored order.
      const id = await writer.write(row)
      const message: Message = {
        id,
        conversationId: row.conversationId,
        text: row.text,
        audioUrl: row.audioUrl,
        replyToMessageId: row.replyToMessageId,
        sender: { id: sender.id, email: sender.email, displayName: sender.displayName },
        createdAt: createdAt.toISOString(),
      }
      bus.emit("message_created", message)
      return message
    },

    /** A page of history, newest first; `nextBefore` continues it, null at the oldest end. */
    async history(userId: number, conversationId: number, page: { before?: number; limit: number }) {
      await membership.require(conversationId, userId)
      const rows = await historyPage(conversationId, page.limit + 1, page.before)
      const more = rows.length > page.limit
      const list = more ? rows.slice(0, page.limit) : rows
      return { messages: list, nextBefore: more ? list[list.length - 1]!.id : null }
    },

    /** Records that `userId` read a message, once; a repeat returns the first receipt, unpublished. */
    async markRead(userId: number, messageId: number): Promise<MessageReadPayload & { duplicate: boolean }> {
      const target = await db.query.messages.findFirst({
        columns: { conversationId: true },
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
      return { ...payload, duplicate: !inserted }
    },

    /** Waits for every accepted message to be committed. */
    flush: () => writer.flush(),
  }
}

export type MessageService = ReturnType<typeof createMessageService>
