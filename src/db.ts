/** Opens the database (a local SQLite file or a libSQL server), tunes it and applies migrations. */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { type Client, createClient } from "@libsql/client"
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql"
import { embeddedMigrations } from "../db/migrations.ts"
import * as schema from "../db/schema.ts"
import { localPath } from "./dbPath.ts"
import { reuseStatements } from "./statementCache.ts"

export { localPath }

export type Db = LibSQLDatabase<typeof schema> & { $client: Client }

export interface Database {
  db: Db
  client: Client
  close(): void
}

export interface DatabaseOptions {
  url: string
  authToken?: string
  synchronous?: "NORMAL" | "FULL"
  busyTimeoutMs?: number
}

const MIGRATIONS_TABLE = "__drizzle_migrations"
/**
 * Pages (4 KiB) in the write-ahead log before a commit checkpoints it itself: 64 MiB. The server's
 * checkpointer thread (ops/walCheckpoint.ts) keeps the log far below; this bounds it should that
 * thread fall behind, and serves the command-line tools, which run without it.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 16000
/** Without that thread (it failed): SQLite's own default, short checkpoints inside commits. */
export const WAL_AUTOCHECKPOINT_ALONE_PAGES = 1000

/** Opens the database, sets WAL/foreign keys/busy timeout on local files, and migrates it. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const local = options.url.startsWith("file:")
  if (local) {
    const path = localPath(options.url)
    if (path) mkdirSync(dirname(path), { recursive: true })
  }
  reuseStatements()
  // One connection for a local file: SQLite has a single writer anyway, every call on it is
  // synchronous, and per-connection pragmas (foreign_keys, busy_timeout) then hold for good.
  const client = createClient({ url: options.url, authToken: options.authToken, concurrency: local ? 1 : 20 })
  if (local) {
    // First: switching to WAL needs a lock, and another process holding the file must be waited for.
    await client.execute(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`)
    await client.execute("PRAGMA journal_mode = WAL")
    await client.execute(`PRAGMA synchronous = ${options.synchronous ?? "NORMAL"}`)
    await client.execute("PRAGMA foreign_keys = ON")
    // Checkpoints run on a thread of their own (ops/walCheckpoint.ts); the automatic one, inside a
    // commit, only bounds the log should that thread fall behind.
    await client.execute(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`)
  }
  await migrate(client)
  const db = drizzle(client, { schema })
  return { db, client, close: () => client.close() }
}

/** Applies pending migrations in one batch; compatible with drizzle-kit's own migrations table. */
async function migrate(client: Client): Promise<void> {
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
  )
  const last = await client.execute(
    `SELECT created_at FROM ${MIGRATIONS_TABLE} ORDER BY created_at DESC LIMIT 1`,
  )
  const appliedUpTo = Number(last.rows[0]?.created_at ?? 0)
  const pending = embeddedMigrations().filter((m) => m.createdAt > appliedUpTo)
  if (pending.length === 0) return
  await client.batch(
    pending.flatMap((m) => [
      ...m.statements,
      {
        sql: `INSERT INTO ${MIGRATIONS_TABLE} (hash, created_at) VALUES (?, ?)`,
        args: [m.hash, m.createdAt],
      },
    ]),
    "write",
  )
}
