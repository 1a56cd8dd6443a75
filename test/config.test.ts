import { describe, expect, test } from "bun:test"
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import journal from "../db/migrations/meta/_journal.json" with { type: "json" }
import { embeddedMigrations } from "../db/migrations.ts"
import { ConfigError, loadConfig } from "../src/config.ts"
import { openDatabase } from "../src/db.ts"
import { resolveJwtSecret } from "../src/services/auth/secret.ts"

describe("configuration", () => {
  test("defaults need nothing", () => {
    const c = loadConfig({})
    expect([c.port, c.host, c.databaseUrl, c.jwtTtlSeconds, c.jwtSecret]).toEqual([
      3001,
      "0.0.0.0",
      "file:./data/chat.db",
      7 * 86400,
      undefined,
    ])
  })

  test("invalid values stop the start with a message naming each variable", () => {
    const bad = {
      PORT: "70000",
      JWT_TTL: "soon",
      DATABASE_URL: "postgres://x",
      JWT_SECRET: "short",
      CORS_ORIGINS: "nope",
    }
    expect(() => loadConfig(bad)).toThrow(ConfigError)
    try {
      loadConfig(bad)
    } catch (err) {
      for (const name of Object.keys(bad)) expect((err as Error).message).toContain(name)
    }
  })

  test("without JWT_SECRET a random secret is generated once, kept with mode 0600, and reused", () => {
    const dir = mkdtempSync(join(tmpdir(), "causerie-secret-"))
    const first = resolveJwtSecret(undefined, dir)
    const second = resolveJwtSecret(undefined, dir)
    expect(first.secret.length).toBeGreaterThanOrEqual(32)
    expect(second.secret).toBe(first.secret)
    expect(statSync(join(dir, "jwt-secret")).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, "jwt-secret"), "utf8").trim()).toBe(first.secret)
    expect(resolveJwtSecret(undefined, mkdtempSync(join(tmpdir(), "causerie-secret-"))).secret).not.toBe(
      first.secret,
    )
  })
})

describe("migrations", () => {
  test("every migration in the journal and on disk is embedded", () => {
    const onDisk = readdirSync(join(import.meta.dir, "../db/migrations")).filter((f) => f.endsWith(".sql"))
    expect(embeddedMigrations().map((m) => `${m.tag}.sql`)).toEqual(onDisk.sort())
    expect(embeddedMigrations().map((m) => m.tag)).toEqual(journal.entries.map((e) => e.tag))
  })

  test("a fresh file gets WAL, foreign keys and every table; opening again applies nothing twice", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "causerie-db-")), "nested", "chat.db")
    const first = await openDatabase({ url: `file:${path}` })
    const tables = await first.client.execute(
      "select name from sqlite_master where type = 'table' order by name",
    )
    expect(tables.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "users",
        "conversations",
        "conversation_participants",
        "messages",
        "message_reads",
      ]),
    )
    expect((await first.client.execute("pragma journal_mode")).rows[0]?.journal_mode).toBe("wal")
    expect((await first.client.execute("pragma foreign_keys")).rows[0]?.foreign_keys).toBe(1)
    await expect(
      first.client.execute("insert into messages (conversation_id, sender_id, text) values (999, 999, 'x')"),
    ).rejects.toThrow(/FOREIGN KEY/)
    first.close()
    const again = await openDatabase({ url: `file:${path}` })
    const applied = await again.client.execute("select count(*) as n from __drizzle_migrations")
    expect(applied.rows[0]?.n).toBe(embeddedMigrations().length)
    again.close()
  })
})
