/** The database schema: the only place where tables and columns are declared. */
import { sql } from "drizzle-orm"
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core"

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  displayName: text("display_name"),
  // Bumped to revoke every token issued before (logout everywhere, password change).
  tokenVersion: integer("token_version").notNull().default(0),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
})

export const conversations = sqliteTable(
  "conversations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    type: text("type", { enum: ["group", "direct"] })
      .notNull()
      .default("group"),
    title: text("title"),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    // "<smaller user id>:<larger user id>" for direct conversations, so a pair has only one.
    directKey: text("direct_key"),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [uniqueIndex("conversations_direct_key").on(t.directKey)],
)

export const conversationParticipants = sqliteTable(
  "conversation_participants",
  {
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ["admin", "member"] })
      .notNull()
      .default("member"),
    joinedAt: integer("joined_at", { mode: "timestamp_ms" }).notNull().default(now),
    // Set when the participant left or was removed; the row stays so history keeps its senders.
    leftAt: integer("left_at", { mode: "timestamp_ms" }),
    blockedAt: integer("blocked_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] }), index("participants_user").on(t.userId)],
)

export const messages = sqliteTable(
  "messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    senderId: integer("sender_id")
      .notNull()
      .references(() => users.id),
    text: text("text"),
    audioUrl: text("audio_url"),
    replyToMessageId: integer("reply_to_message_id").references((): AnySQLiteColumn => messages.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("messages_conversation_id").on(t.conversationId, t.id)],
)

export const messageReads = sqliteTable(
  "message_reads",
  {
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    readAt: integer("read_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId] })],
)
