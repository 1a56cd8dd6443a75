/** A database from before full-text search: migrating it indexes the messages it already holds. */
import { expect, test } from "bun:test"
import { join } from "node:path"
import { createClient } from "@libsql/client"
import { embeddedMigrations } from "../db/migrations.ts"
import { api } from "./helpers/clients.ts"
import { startTestServer, tempDir } from "./helpers/server.ts"
import { tokenFor } from "./helpers/tokens.ts"

test("the messages of an existing database are found once it is migrated", async () => {
  const dir = tempDir()
  const path = join(dir, "chat.db")
  const old = createClient({ url: `file:${path}` })
  // Every migration before the one that adds the index, recorded as drizzle's migrator does.
  const all = embeddedMigrations()
  const before = all.slice(
    0,
    all.findIndex((m) => m.statements.some((s) => s.includes("messages_fts"))),
  )
  await old.execute(
    "CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)",
  )
  for (const m of before) {
    for (const sql of m.statements) await old.execute(sql)
    await old.execute({
      sql: "INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)",
      args: [m.hash, m.createdAt],
    })
  }
  await old.batch(
    [
      "INSERT INTO users (id, email, password_hash, display_name) VALUES (1, 'old@example.test', 'x', 'old')",
      "INSERT INTO conversations (id, created_by, title, last_seq) VALUES (1, 1, 'archive', 2)",
      "INSERT INTO conversation_participants (conversation_id, user_id, role, joined_at) VALUES (1, 1, 'admin', 0)",
      "INSERT INTO messages (conversation_id, sender_id, text, seq, created_at) VALUES (1, 1, 'Un ancien élève', 1, 1000)",
      "INSERT INTO messages (conversation_id, sender_id, audio_url, seq, created_at) VALUES (1, 1, 'https://x.test/a.ogg', 2, 2000)",
    ],
    "write",
  )
  old.close()

  const h = await startTestServer({}, {}, dir)
  try {
    const res = await api(h, "GET", "/api/search?q=ELEVE", {
      headers: { authorization: `Bearer ${await tokenFor(1)}` },
    })
    expect(res.body.results.map((r: any) => [r.message.text, r.snippet])).toEqual([
      ["Un ancien élève", "Un ancien <mark>élève</mark>"],
    ])
  } finally {
    await h.stop()
  }
})
