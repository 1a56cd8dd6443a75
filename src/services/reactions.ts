/**
 * Reactions: one emoji per (message, user) row, at most MAX_EMOJIS different emojis per message.
 * Each add or removal that changes something takes a seq in the transaction that makes it; one that
 * changes nothing (twice the same) is acknowledged as a duplicate, neither stored nor broadcast.
 */
import type { AckPayload, PublicUser, ReactionList, ServerPayload } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import type { createTokenBucket } from "../stores/rateLimits.ts"
import { liveMessage } from "./messageChanges.ts"
import { storedData, storedSeq, storeEvent } from "./storedEvents.ts"
import { commit } from "./transaction.ts"

/** Different emojis one message may carry. */
export const MAX_EMOJIS = 20

export interface ReactionDeps {
  db: Db
  membership: Membership
  bus: EventBus
  /** The sender's message limit: a reaction is a broadcast like a message. */
  sendLimit: ReturnType<typeof createTokenBucket>
}

type Change = "reaction_added" | "reaction_removed"

// The add checks again inside its transaction what was checked before it: a deletion or another
// emoji may have landed in between.
const ADD = `INSERT INTO message_reactions (message_id, emoji, user_id, created_at)
  SELECT :m, :e, :u, :t WHERE NOT EXISTS (SELECT 1 FROM messages WHERE id = :m AND deleted_at IS NOT NULL)
    AND (EXISTS (SELECT 1 FROM message_reactions WHERE message_id = :m AND emoji = :e)
      OR (SELECT count(DISTINCT emoji) FROM message_reactions WHERE message_id = :m) < ${MAX_EMOJIS})
  ON CONFLICT DO NOTHING`
const REMOVE = "DELETE FROM message_reactions WHERE message_id = :m AND emoji = :e AND user_id = :u"

/** Reactions over one database; publishes `reaction_added` and `reaction_removed`. */
export function createReactions({ db, membership, bus, sendLimit }: ReactionDeps) {
  const countOf = async (messageId: number, emoji: string) => {
    const { rows } = await db.$client.execute({
      sql: "SELECT count(*) AS n FROM message_reactions WHERE message_id = ? AND emoji = ?",
      args: [messageId, emoji],
    })
    return Number(rows[0]?.n ?? 0)
  }

  /** Commits one change with its event; the payload, or undefined when nothing changed. */
  async function change(type: Change, user: PublicUser, messageId: number, emoji: string) {
    const { conversationId } = await liveMessage(db, messageId)
    await membership.requireUnblocked(conversationId, user.id)
    await sendLimit.consume(user.id)
    const count = {
      sql: "SELECT count(*) FROM message_reactions WHERE message_id = ? AND emoji = ?",
      args: [messageId, emoji],
    }
    const results = await commit(db, [
      {
        sql: type === "reaction_added" ? ADD : REMOVE,
        args: { m: messageId, e: emoji, u: user.id, ...(type === "reaction_added" ? { t: Date.now() } : {}) },
      },
      ...storeEvent(
        conversationId,
        type,
        { messageId, userId: user.id, emoji },
        { messageId, ifChanged: true, computed: { count } },
      ),
    ])
    const seq = storedSeq(results[2])
    if (Number.isNaN(seq)) return { conversationId, changed: undefined }
    const payload: ServerPayload<Change> = {
      conversationId,
      seq,
      messageId,
      userId: user.id,
      emoji,
      count: storedData<{ count: number }>(results[2]).count,
    }
    bus.emit(type, payload)
    return { conversationId, changed: payload }
  }

  /** The answer when nothing changed: the message went (NOT_FOUND), or it already was so. */
  async function unchanged(conversationId: number, user: PublicUser, messageId: number, emoji: string) {
    await liveMessage(db, messageId)
    const count = await countOf(messageId, emoji)
    return { conversationId, seq: null, messageId, userId: user.id, emoji, count, duplicate: true }
  }

  return {
    /** Adds the caller's reaction; a second time is a duplicate; a new emoji past the limit CONFLICT. */
    async add(user: PublicUser, messageId: number, emoji: string): Promise<AckPayload<"add_reaction">> {
      const { conversationId, changed } = await change("reaction_added", user, messageId, emoji)
      if (changed) return { ...changed, duplicate: false }
      const mine = await db.$client.execute({
        sql: "SELECT 1 FROM message_reactions WHERE message_id = ? AND emoji = ? AND user_id = ?",
        args: [messageId, emoji, user.id],
      })
      if (mine.rows.length === 0) {
        await liveMessage(db, messageId)
        throw new AppError("CONFLICT", `emoji: a message carries at most ${MAX_EMOJIS} different reactions`, {
          field: "emoji",
        })
      }
      return unchanged(conversationId, user, messageId, emoji)
    },

    /** Removes the caller's reaction; removing one that is not there is a duplicate. */
    async remove(user: PublicUser, messageId: number, emoji: string): Promise<AckPayload<"remove_reaction">> {
      const { conversationId, changed } = await change("reaction_removed", user, messageId, emoji)
      return changed ? { ...changed, duplicate: false } : unchanged(conversationId, user, messageId, emoji)
    },

    /** Who reacted with what, for a participant. */
    async list(userId: number, messageId: number): Promise<ReactionList> {
      const { conversationId } = await liveMessage(db, messageId)
      await membership.require(conversationId, userId)
      const { rows } = await db.$client.execute({
        sql: `SELECT r.emoji, r.user_id, u.display_name FROM message_reactions r
               JOIN users u ON u.id = r.user_id WHERE r.message_id = ? ORDER BY r.rowid`,
        args: [messageId],
      })
      const byEmoji = new Map<string, { id: number; displayName: string | null }[]>()
      for (const r of rows) {
        const users = byEmoji.get(String(r.emoji)) ?? []
        users.push({
          id: Number(r.user_id),
          displayName: r.display_name === null ? null : String(r.display_name),
        })
        byEmoji.set(String(r.emoji), users)
      }
      const reactions = [...byEmoji].map(([emoji, users]) => ({
        emoji,
        count: users.length,
        me: users.some((u) => u.id === userId),
        users,
      }))
      return { messageId, reactions }
    },
  }
}

export type Reactions = ReturnType<typeof createReactions>
