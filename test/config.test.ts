import { describe, expect, test } from "bun:test"
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import journal from "../db/migrations/meta/_journal.json" with { type: "json" }
import { embeddedMigrations } from "../db/migrations.ts"
import { ConfigError, loadConfig } from "../src/config.ts"
import { openDatabase } from "../src/db.ts"
import { resolveJwtSecret } from "../src/services/auth/secret.ts"

/** The lines a configuration error prints, or none. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
    return []
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    expect(err.message).toBe(err.problems.join("\n"))
    return err.problems
  }
}

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

  test("invalid values stop the start with one line per variable, in the setting's terms", () => {
    const bad = {
      PORT: "70000",
      JWT_TTL: "soon",
      DATABASE_URL: "postgres://admin:hunter2@db.example.com/chat",
      CORS_ORIGINS: "nope",
      LOG_LEVEL: "loud",
      TRUST_PROXY: "yes",
      HOST: "  ",
    }
    expect(problems(bad)).toEqual([
      "PORT must be a whole number from 0 to 65535, got '70000'",
      "HOST must be a host name or IP address, got '  '",
      "DATABASE_URL must be a file: path or a libsql://, http(s):// or ws(s):// URL, got 'postgres://***@db.example.com/chat'",
      "JWT_TTL must be a duration such as 45s, 30m, 12h, 7d or a number of seconds, got 'soon'",
      "CORS_ORIGINS must be a comma-separated list of http(s) origins, or *, got 'nope'",
      "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'",
      "TRUST_PROXY must be true or false, got 'yes'",
    ])
  })

  test("a blank or malformed number is refused, never coerced (PORT=' ' would pick a random port)", () => {
    for (const port of [" ", "abc", "-1", "3.5", "1e3", "0x10", " 3001"])
      expect(problems({ PORT: port })).toEqual([`PORT must be a whole number from 0 to 65535, got '${port}'`])
    expect(loadConfig({ PORT: "0" }).port).toBe(0)
    expect(loadConfig({ PORT: "" }).port).toBe(3001)
  })

  test("a secret's value is never printed, only its length", () => {
    expect(problems({ JWT_SECRET: "hunter2-too-short" })).toEqual([
      "JWT_SECRET must be at least 32 characters long, got 17 characters",
    ])
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
