/** Messages: sending (committed before anyone hears of it, once per clientMessageId), history pages. */
import { eq } from "drizzle-orm"
import { messages } from "../../db/schema.ts"
import type { Message, PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { SendMessageInput } from "../schemas/inputs.ts"
import type { Membership } from "../stores/membership.ts"
import type { createTokenBucket } from "../stores/rateLimits.ts"
import { historyQueries, messageByClientId } from "./messageRows.ts"
import { createMessageWriter, isConstraintError } from "./messageWriter.ts"
import type { Uploads } from "./uploads.ts"

export interface MessageDeps {
  db: Db
  membership: Membership
  bus: EventBus
  /** Per-sender limit shared by every way of sending. */
  sendLimit: ReturnType<typeof createTokenBucket>
  /** Checks that attachments are the sender's uploads. */
  uploads: Uploads
  /** Hears every commit of new messages (the search index has new ones to take). */
  afterCommit?: () => void
}

/** Messages published per turn of the event loop: at rooms of 10, about 640 deliveries. */
export const PUBLISH_SLICE = 64

/** Message service; publishes `message_created` on the bus after commit, in seq order. */
export function createMessageService({
  db,
  membership,
  bus,
  sendLimit,
  uploads,
  afterCommit = () => {},
}: MessageDeps) {
  // A full batch is thousands of deliveries: published a slice per turn of the event loop (events.ts
  // keeps every event of every kind behind them in order), so that no turn holds them all.
  const writer = createMessageWriter(db, (committed, sent) => {
    afterCommit()
    return bus.spread("message_created", committed, PUBLISH_SLICE, sent)
  })
  const historyPage = historyQueries(db)

  /** The message stored earlier under the same clientMessageId, if any, as a duplicate answer. */
  async function earlier(sender: PublicUser, input: SendMessageInput) {
    if (!input.clientMessageId) return undefined
    const message = await messageByClientId(db, sender.id, input.clientMessageId)
    if (!message) return undefined
    if (message.conversationId !== input.conversationId) {
      throw new AppError(
        "CONFLICT",
        `clientMessageId: already used for a message of conversation ${message.conversationId}`,
        { field: "clientMessageId" },
      )
    }
    return { message, duplicate: true }
  }

  return {
    /**
     * Stores a message from `sender`; resolves after commit, once it has been published. A send
     * whose clientMessageId the sender used before resolves with the stored message, `duplicate`.
     */
    async send(
      sender: PublicUser,
      input: SendMessageInput,
    ): Promise<{ message: Message; duplicate: boolean }> {
      const stored = await earlier(sender, input)
      if (stored) return stored
      await membership.requireUnblocked(input.conversationId, sender.id)
      await sendLimit.consume(sender.id)
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
      const attachments = await uploads.attachable(
        sender.id,
        (input.attachments ?? []).map((a) => a.id),
      )
      const text = input.text ?? null
      // A recording sent on its own is the seed's audio message, so that clients which know only
      // audioUrl play it.
      const recording = text === null && attachments[0]?.mime.startsWith("audio/") ? attachments[0].url : null
      try {
        const message = await writer.write({
          conversationId: input.conversationId,
          sender,
          text,
          audioUrl: input.audioUrl ?? recording,
          replyToMessageId: input.replyToMessageId ?? null,
          clientMessageId: input.clientMessageId ?? null,
          createdAt: new Date(),
          attachments,
        })
        return { message, duplicate: false }
      } catch (err) {
        // The same clientMessageId sent twice at once: the unique index let one in.
        const raced = isConstraintError(err) ? await earlier(sender, input) : undefined
        if (raced) return raced
        // An attachment's upload removed between the check and the write (its message deleted).
        if (isConstraintError(err) && attachments.length > 0)
          throw new AppError("BAD_REQUEST", "attachments: an upload is no longer there", {
            field: "attachments",
          })
        throw err
      }
    },

    /** A page of history, newest first; `nextBefore` continues it, null at the oldest end. */
    async history(userId: number, conversationId: number, page: { before?: number; limit: number }) {
      await membership.require(conversationId, userId)
      const rows = await historyPage(conversationId, userId, page.limit + 1, page.before)
      const more = rows.length > page.limit
      const list = more ? rows.slice(0, page.limit) : rows
      return { messages: list, nextBefore: more ? list[list.length - 1]!.id : null }
    },

    /** Waits for every accepted message to be committed. */
    flush: () => writer.flush(),
  }
}

export type MessageService = ReturnType<typeof createMessageService>
