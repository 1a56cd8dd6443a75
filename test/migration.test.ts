/**
 * Migration 0001 on a database made before it: old messages numbered per conversation in id order,
 * last seqs, read pointers from the read receipts, departures placed; and the server carries on.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { join } from "node:path"
import { createClient } from "@libsql/client"
import { embeddedMigrations } from "../db/migrations.ts"
import { api, type TestUser } from "./helpers/clients.ts"
import { startTestServer, type TestServer, tempDir } from "./helpers/server.ts"
import { tokenFor } from "./helpers/tokens.ts"

const T = Date.UTC(2025, 0, 1)
const PEOPLE = ["ann", "ben", "cat", "dan"] as const
// [id, conversation, sender, created_at]: two conversations interleaved by id.
const MESSAGES = [
  [1, 1, 1, T + 10],
  [2, 2, 2, T + 15],
  [3, 1, 2, T + 20],
  [4, 1, 3, T + 24],
  [5, 2, 1, T + 30],
  [6, 1, 1, T + 40],
] as const

/** A database file at migration 0000 only, filled the way the seed's server left it. */
async function databaseBefore0001(path: string): Promise<void> {
  const client = createClient({ url: `file:${path}` })
  const [init] = embeddedMigrations()
  const row = (sql: string, ...args: (string | number | null)[]) => ({ sql, args })
  await client.batch(
    [
      ...init!.statements,
      "CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)",
      row("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)", init!.hash, init!.createdAt),
      ...PEOPLE.map((name, i) =>
        row(
          "INSERT INTO users (id, email, password_hash, display_name) VALUES (?, ?, 'x', ?)",
          i + 1,
          `${name}@example.test`,
          name,
        ),
      ),
      ...[1, 2, 3].map((id) =>
        row(
          "INSERT INTO conversations (id, title, created_by, created_at) VALUES (?, ?, 1, ?)",
          id,
          `c${id}`,
          T,
        ),
      ),
      // Conversation 1: ann (admin), ben, cat who left after message 4, dan who left before any message.
      ...[
        [1, 1, "admin", null],
        [1, 2, "member", null],
        [1, 3, "member", T + 25],
        [1, 4, "member", T + 1],
        [2, 1, "admin", null],
        [2, 2, "member", null],
        [3, 1, "admin", null],
        [3, 2, "member", null],
      ].map(([c, u, role, leftAt]) =>
        row(
          "INSERT INTO conversation_participants (conversation_id, user_id, role, joined_at, left_at) VALUES (?, ?, ?, ?, ?)",
          c!,
          u!,
          role!,
          T,
          leftAt!,
        ),
      ),
      ...MESSAGES.map(([id, c, sender, at]) =>
        row(
          "INSERT INTO messages (id, conversation_id, sender_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
          id,
          c,
          sender,
          `old ${id}`,
          at,
        ),
      ),
      // Receipts: ben read 1 and 3 (not 4, 6), and 5; ann read 2; cat read 1 before leaving.
      ...[
        [1, 2],
        [3, 2],
        [5, 2],
        [2, 1],
        [1, 3],
      ].map(([m, u]) =>
        row("INSERT INTO message_reads (message_id, user_id, read_at) VALUES (?, ?, ?)", m!, u!, T + 50),
      ),
    ],
    "write",
  )
  client.close()
}

let h: TestServer
let users: TestUser[]
beforeAll(async () => {
  const dir = tempDir()
  await databaseBefore0001(join(dir, "chat.db"))
  h = await startTestServer({}, {}, dir)
  users = await Promise.all(
    PEOPLE.map(async (name, i) => ({
      id: i + 1,
      email: `${name}@example.test`,
      displayName: name,
      token: await tokenFor(i + 1),
    })),
  )
})
afterAll(() => h.stop())

test("old messages take seqs 1..n per conversation in id order; last_seq follows", () => {
  expect(h.query("select id, conversation_id as c, seq from messages order by id")).toEqual([
    { id: 1, c: 1, seq: 1 },
    { id: 2, c: 2, seq: 1 },
    { id: 3, c: 1, seq: 2 },
    { id: 4, c: 1, seq: 3 },
    { id: 5, c: 2, seq: 2 },
    { id: 6, c: 1, seq: 4 },
  ])
  expect(h.query("select id, last_seq from conversations order by id")).toEqual([
    { id: 1, last_seq: 4 },
    { id: 2, last_seq: 2 },
    { id: 3, last_seq: 0 },
  ])
  // 0000 was there; 0001 and every later one are applied now.
  expect(h.query("select count(*) as n from __drizzle_migrations")).toEqual([
    { n: embeddedMigrations().length },
  ])
  const indexes = h
    .query<{ name: string }>("select name from sqlite_master where type = 'index'")
    .map((i) => i.name)
  expect(indexes).toEqual(expect.arrayContaining(["messages_conversation_seq", "messages_client_id"]))
})

test("read pointers from the receipts and one's own last message, delivered with them; departures placed", () => {
  expect(
    h.query(
      `select conversation_id as c, user_id as u, read_seq as r, delivered_seq as d, left_seq as l
         from conversation_participants order by conversation_id, user_id`,
    ),
  ).toEqual([
    { c: 1, u: 1, r: 4, d: 4, l: null }, // ann wrote the last one
    { c: 1, u: 2, r: 2, d: 2, l: null }, // ben read and wrote up to seq 2
    { c: 1, u: 3, r: 3, d: 3, l: 3 }, // cat read seq 1, wrote seq 3, then left
    { c: 1, u: 4, r: 0, d: 0, l: 0 }, // dan left before anything was said
    { c: 2, u: 1, r: 2, d: 2, l: null }, // ann read seq 1, wrote seq 2
    { c: 2, u: 2, r: 2, d: 2, l: null }, // ben wrote seq 1, read seq 2
    { c: 3, u: 1, r: 0, d: 0, l: null },
    { c: 3, u: 2, r: 0, d: 0, l: null },
  ])
})

test("the server carries on: unread counts, the next seq, a departed member's events stop at the departure", async () => {
  const [ann, ben, cat] = users
  const list = (await api(h, "GET", "/api/conversations", { auth: ben })).body.conversations
  const counts = Object.fromEntries(list.map((c: any) => [c.id, [c.lastSeq, c.readSeq, c.unreadCount]]))
  expect(counts).toEqual({ 1: [4, 2, 2], 2: [2, 2, 0], 3: [0, 0, 0] })

  const sent = await api(h, "POST", "/api/conversations/1/messages", { auth: ann, body: { text: "new" } })
  expect(sent).toMatchObject({ status: 201, body: { message: { seq: 5 } } })
  const first = await api(h, "POST", "/api/conversations/3/messages", { auth: ann, body: { text: "first" } })
  expect(first.body.message.seq).toBe(1)
  expect(h.query("select id, last_seq from conversations where id in (1, 3) order by id")).toEqual([
    { id: 1, last_seq: 5 },
    { id: 3, last_seq: 1 },
  ])

  const all = (await api(h, "GET", "/api/conversations/1/events", { auth: ben })).body
  expect(all.events.map((e: any) => [e.seq, e.type, e.data.message.text])).toEqual([
    [1, "new_message", "old 1"],
    [2, "new_message", "old 3"],
    [3, "new_message", "old 4"],
    [4, "new_message", "old 6"],
    [5, "new_message", "new"],
  ])
  const departed = (await api(h, "GET", "/api/conversations/1/events", { auth: cat })).body
  expect(departed).toMatchObject({ active: false, lastSeq: 3, participants: [] })
  expect(departed.events.map((e: any) => e.seq)).toEqual([1, 2, 3])
})

test("0005: uploads, message attachments and each participant's mute, on a database that had messages", () => {
  const columns = (table: string) =>
    h.query<{ name: string }>(`select name from pragma_table_info('${table}')`).map((c) => c.name)
  expect(columns("uploads")).toEqual([
    "id",
    "uploader_id",
    "name",
    "mime",
    "size",
    "duration_ms",
    "storage_key",
    "created_at",
  ])
  expect(columns("message_attachments")).toEqual(["message_id", "upload_id", "position"])
  expect(columns("conversation_participants")).toContain("muted_until")
  // Old rows: no attachment and nobody muted.
  expect(h.query("select count(*) as n from message_attachments")).toEqual([{ n: 0 }])
  expect(
    h.query("select count(*) as n from conversation_participants where muted_until is not null"),
  ).toEqual([{ n: 0 }])
})
