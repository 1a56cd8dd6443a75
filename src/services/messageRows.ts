/** Reading messages with their senders, in the one shape HTTP and sockets share. */
import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm"
import { messages, users } from "../../db/schema.ts"
import type { Message } from "../contract.ts"
import type { Db } from "../db.ts"

const columns = {
  id: messages.id,
  conversationId: messages.conversationId,
  text: messages.text,
  audioUrl: messages.audioUrl,
  replyToMessageId: messages.replyToMessageId,
  createdAt: messages.createdAt,
  senderId: users.id,
  senderEmail: users.email,
  senderDisplayName: users.displayName,
}

/** Messages with their senders, newest first: the one query every message read starts from. */
const withSenders = (db: Db, where: SQL | undefined) =>
  db
    .select(columns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(where)
    .orderBy(desc(messages.id))

type Row = Awaited<ReturnType<typeof withSenders>>[number]

const toMessage = (r: Row): Message => ({
  id: r.id,
  conversationId: r.conversationId,
  text: r.text,
  audioUrl: r.audioUrl,
  replyToMessageId: r.replyToMessageId,
  sender: { id: r.senderId, email: r.senderEmail, displayName: r.senderDisplayName },
  createdAt: r.createdAt.toISOString(),
})

/** The messages with these ids, newest first. */
export async function messagesByIds(db: Db, ids: number[]): Promise<Message[]> {
  if (ids.length === 0) return []
  return (await withSenders(db, inArray(messages.id, ids))).map(toMessage)
}

/**
 * History pages as prepared queries: built once instead of on every request (the builder costs
 * more than SQLite does for a 50-row page on the (conversation_id, id) index).
 */
export function historyQueries(db: Db) {
  const page = (where: SQL | undefined) => withSenders(db, where).limit(sql.placeholder("limit")).prepare()
  const newest = page(eq(messages.conversationId, sql.placeholder("conversationId")))
  const before = page(
    and(
      eq(messages.conversationId, sql.placeholder("conversationId")),
      lt(messages.id, sql.placeholder("before")),
    ),
  )
  return async (conversationId: number, limit: number, beforeId?: number): Promise<Message[]> => {
    const rows =
      beforeId === undefined
        ? await newest.all({ conversationId, limit })
        : await before.all({ conversationId, limit, before: beforeId })
    return rows.map(toMessage)
  }
}
