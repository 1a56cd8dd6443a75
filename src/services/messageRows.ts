/** Reading messages with their senders, in the one shape every path (socket, HTTP, history, sync) shares. */
import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm"
import { messages, users } from "../../db/schema.ts"
import type { Message, PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import { HIDDEN_EMAIL } from "./userService.ts"

const columns = {
  id: messages.id,
  conversationId: messages.conversationId,
  seq: messages.seq,
  text: messages.text,
  audioUrl: messages.audioUrl,
  replyToMessageId: messages.replyToMessageId,
  clientMessageId: messages.clientMessageId,
  createdAt: messages.createdAt,
  senderId: users.id,
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

/** The stored fields of a message, as a writer or a query holds them. */
export interface MessageFields {
  id: number
  conversationId: number
  seq: number
  text: string | null
  audioUrl: string | null
  replyToMessageId: number | null
  clientMessageId: string | null
  createdAt: Date
}

/** The public shape of a message: the only place it is built. */
export const toMessage = (m: MessageFields, sender: PublicUser): Message => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  text: m.text,
  audioUrl: m.audioUrl,
  replyToMessageId: m.replyToMessageId,
  clientMessageId: m.clientMessageId,
  sender: { id: sender.id, email: sender.email, displayName: sender.displayName },
  createdAt: m.createdAt.toISOString(),
})

const fromRow = (r: Row): Message =>
  toMessage(r, { id: r.senderId, email: HIDDEN_EMAIL, displayName: r.senderDisplayName })

/** The messages with these ids, newest first. */
export async function messagesByIds(db: Db, ids: number[]): Promise<Message[]> {
  if (ids.length === 0) return []
  return (await withSenders(db, inArray(messages.id, ids))).map(fromRow)
}

/** The message a sender stored under their own `clientMessageId`, if any. */
export async function messageByClientId(
  db: Db,
  senderId: number,
  clientMessageId: string,
): Promise<Message | undefined> {
  const [row] = await withSenders(
    db,
    and(eq(messages.senderId, senderId), eq(messages.clientMessageId, clientMessageId)),
  )
  return row && fromRow(row)
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
    return rows.map(fromRow)
  }
}
