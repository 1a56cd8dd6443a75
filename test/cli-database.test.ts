/** The one-shot commands leave a database file that is complete on its own (no writes left in the WAL). */
import { Database } from "bun:sqlite"
import { afterEach, describe, expect, test } from "bun:test"
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { embeddedMigrations } from "../db/migrations.ts"
import { runCauserie, sandbox } from "./helpers/process.ts"

const cleanup: (() => void)[] = []
afterEach(() => {
  for (const remove of cleanup.splice(0)) remove()
})

/** The database file copied alone into an empty folder, and opened there. */
function aloneCopy(dbPath: string): Database {
  const dir = mkdtempSync(join(tmpdir(), "causerie-copy-"))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  copyFileSync(dbPath, join(dir, "chat.db"))
  const db = new Database(join(dir, "chat.db"))
  cleanup.push(() => db.close())
  return db
}

/** True when the write-ahead log holds nothing: absent, or truncated to nothing. */
const walEmpty = (dbPath: string) => !existsSync(`${dbPath}-wal`) || statSync(`${dbPath}-wal`).size === 0

describe("one-shot commands checkpoint the WAL before they exit", () => {
  test("user create: the .db file alone has the new user", async () => {
    const box = sandbox()
    cleanup.push(box.remove)
    const args = ["user", "create", "--email", "first@example.test", "--password-stdin"]
    const created = await runCauserie(args, box.env, "a long enough password\n")
    expect(created).toMatchObject({ code: 0, out: "1\n" })
    const dbPath = join(box.dir, "chat.db")
    expect(walEmpty(dbPath)).toBe(true)
    expect(aloneCopy(dbPath).query("SELECT id, email FROM users").all()).toEqual([
      { id: 1, email: "first@example.test" },
    ])
  })

  test("migrate: the .db file alone has every table and the migrations record", async () => {
    const box = sandbox()
    cleanup.push(box.remove)
    const migrated = await runCauserie(["migrate"], box.env)
    expect(migrated.code).toBe(0)
    const dbPath = join(box.dir, "chat.db")
    expect(walEmpty(dbPath)).toBe(true)
    const copy = aloneCopy(dbPath)
    const tables = copy.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string
    }[]
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["users", "conversations", "messages", "__drizzle_migrations"]),
    )
    const applied = copy.query("SELECT count(*) AS n FROM __drizzle_migrations").get()
    expect(applied).toEqual({ n: embeddedMigrations().length })
  })
})
