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
  // When the user's last device disconnected (after the presence grace); null if never seen.
  lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
  // A server admin: the first account ever, accounts made with `user create --admin`, and grants.
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  // Set by an admin: logins are refused and every token revoked until an admin enables it again.
  disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
  // Set when the account is deleted: the row stays (history keeps its sender) with its email,
  // name and password erased.
  deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
  // The user's preferred language (a BCP 47 tag), for clients; never shown to others.
  locale: text("locale"),
  // The display name as the directory matches it (lower case, accents and punctuation removed);
  // null until the server computes it (rows written before this column existed).
  searchName: text("search_name"),
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
    // The last sequence number given out: every stored event of the conversation takes the next
    // one, in the transaction that stores it, so numbers are gapless across nodes.
    lastSeq: integer("last_seq").notNull().default(0),
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
    // The participant's pointers: they only move forward.
    readSeq: integer("read_seq").notNull().default(0),
    deliveredSeq: integer("delivered_seq").notNull().default(0),
    // The seq of the participant's departure: a departed participant syncs up to it, not past it.
    leftSeq: integer("left_seq"),
    // The participant's own mute: clients do not notify before this time (unread still counts).
    mutedUntil: integer("muted_until", { mode: "timestamp_ms" }),
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
    seq: integer("seq").notNull().default(0),
    // The sender's own id for the message: a retried send finds the stored one instead of storing twice.
    clientMessageId: text("client_message_id"),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }),
    // A deleted message stays as a tombstone (text, audio and reactions erased) so that replies
    // and the sequence stay whole.
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    deletedBy: integer("deleted_by").references(() => users.id),
  },
  (t) => [
    uniqueIndex("messages_conversation_seq").on(t.conversationId, t.seq),
    uniqueIndex("messages_client_id")
      .on(t.senderId, t.clientMessageId)
      .where(sql`client_message_id IS NOT NULL`),
  ],
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

/**
 * Every stored event of a conversation that is not a message (messages carry their own seq):
 * participant changes, renames, and later edits, deletions and reactions. `data` is the live
 * payload as JSON, so a sync replays exactly what members heard.
 */
export const conversationEvents = sqliteTable(
  "conversation_events",
  {
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    data: text("data").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    // The message an edit, deletion or reaction is about: replay reads its current state, and a
    // deletion erases what the events said about it.
    messageId: integer("message_id").references(() => messages.id),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq] }),
    index("conversation_events_message").on(t.messageId).where(sql`message_id IS NOT NULL`),
  ],
)

/** One user's reaction to a message: one row per (message, emoji, user). */
export const messageReactions = sqliteTable(
  "message_reactions",
  {
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id),
    emoji: text("emoji").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.emoji, t.userId] })],
)

/**
 * Single tokens revoked before their expiry (logout): refused until `expires_at`, when the token
 * would be refused anyway and the row can go. Logout everywhere bumps `users.token_version` instead.
 */
export const revokedTokens = sqliteTable("revoked_tokens", {
  // The token's `jti` claim.
  tokenId: text("token_id").primaryKey(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
})

/**
 * How far the search index goes (src/services/searchIndex.ts): messages up to this id are in
 * `messages_fts`, the ones after it wait to be indexed. One row.
 */
export const searchProgress = sqliteTable("search_progress", {
  id: integer("id").primaryKey(),
  indexedUpTo: integer("indexed_up_to").notNull(),
})

/**
 * Invitations to register (REGISTRATION=invite): only a hash of the token is stored, the token
 * itself is shown once to the admin who made it. Used up at `max_uses`, refused after `expires_at`
 * or once revoked.
 */
export const invites = sqliteTable("invites", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tokenHash: text("token_hash").notNull().unique(),
  // When set, only this email may register with the invite.
  email: text("email"),
  maxUses: integer("max_uses").notNull().default(1),
  uses: integer("uses").notNull().default(0),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  createdBy: integer("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
})

/** One-time password reset tokens made by an admin, stored as hashes; a newer one replaces the older. */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("password_resets_user").on(t.userId)],
)

/**
 * The audit log: every important action, written in the transaction of the action it records.
 * No foreign keys: a record outlives anything it names. `target` is "<kind>:<id>" (user:7,
 * conversation:3, invite:2); `details` a JSON object.
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    // Null when nobody signed in acted (a failed login, the command line).
    actorId: integer("actor_id"),
    action: text("action").notNull(),
    target: text("target"),
    address: text("address"),
    details: text("details").notNull().default("{}"),
  },
  (t) => [index("audit_events_actor").on(t.actorId, t.id), index("audit_events_action").on(t.action, t.id)],
)

/**
 * Uploaded files: the bytes live in the upload storage (a folder or an S3 bucket) under
 * `storage_key`; `mime` is what the server sniffed from the bytes, never what the client said.
 * The id is random and unguessable; downloads are still checked (services/uploads).
 */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    uploaderId: integer("uploader_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    // Given by the client for voice messages; null otherwise.
    durationMs: integer("duration_ms"),
    storageKey: text("storage_key").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("uploads_created").on(t.createdAt), index("uploads_uploader").on(t.uploaderId, t.size)],
)

/** The uploads a message carries, in order; one upload may be carried by several messages. */
export const messageAttachments = sqliteTable(
  "message_attachments",
  {
    messageId: integer("message_id")
      .notNull()
      .references(() => messages.id),
    uploadId: text("upload_id")
      .notNull()
      .references(() => uploads.id),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.position] }),
    index("message_attachments_upload").on(t.uploadId),
  ],
)
