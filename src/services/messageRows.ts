/** Reading messages with their senders, in the one shape HTTP and sockets share. */
import { desc, eq, inArray, type SQL } from "drizzle-orm"
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

type Row = Awaited<ReturnType<typeof selectRows>>[number]

const toMessage = (r: Row): Message => ({
  id: r.id,
  conversationId: r.conversationId,
  text: r.text,
  audioUrl: r.audioUrl,
  replyToMessageId: r.replyToMessageId,
  sender: { id: r.senderId, email: r.senderEmail, displayName: r.senderDisplayName },
  createdAt: r.createdAt.toISOString(),
})

/** Messages matching `where`, newest first. */
export async function selectMessages(db: Db, where: SQL | undefined, limit: number): Promise<Message[]> {
  return (await selectRows(db, where, limit)).map(toMessage)
}

function selectRows(db: Db, where: SQL | undefined, limit: number) {
  return db
    .select(columns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(where)
    .orderBy(desc(messages.id))
    .limit(limit)
}

/** The messages with these ids (any order). */
export async function messagesByIds(db: Db, ids: number[]): Promise<Message[]> {
  if (ids.length === 0) return []
  return selectMessages(db, inArray(messages.id, ids), ids.length)
}
