/** Starts a real server in-process on port 0 against a fresh SQLite file in a temporary folder. */
import { Database } from "bun:sqlite"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { loadConfig } from "../../src/config.ts"
import { createServer, type RunningServer, type ServerOptions } from "../../src/server.ts"

export interface TestServer {
  server: RunningServer
  url: string
  dir: string
  dbPath: string
  /** A read-only look at the database file, to assert on stored rows. */
  query<T = Record<string, unknown>>(sql: string, ...params: (string | number | null)[]): T[]
  /** Stops this server, keeping its folder, and starts a new one on the same file. */
  restart(): Promise<TestServer>
  stop(): Promise<void>
}

export const TEST_SECRET = "test-secret-that-is-long-enough-0123456789"

/** A temporary folder for a server's files. */
export const tempDir = () => mkdtempSync(join(tmpdir(), "causerie-test-"))

/** Settings every test server (in-process or a child process) starts with. */
export const TEST_DEFAULTS: Record<string, string> = {
  // The cheapest argon2id the server accepts: tests register hundreds of users.
  PASSWORD_HASH_MEMORY_KIB: "1024",
  PASSWORD_HASH_TIME_COST: "1",
  // The suites register hundreds of users and create many conversations from one address and a
  // few users: these throttles are off unless a test turns them on (test/abuse-limits.test.ts).
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: "0",
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "0",
  RATE_LIMIT_CHANGES_PER_MINUTE: "0",
  // Dozens of sockets handshake at once from 127.0.0.1 (test/engine-sessions.test.ts sets its own).
  MAX_PENDING_SESSIONS_PER_ADDRESS: "1000",
}

/**
 * A server with test-friendly defaults; `env` overrides any setting. `dir` holds its database
 * (`chat.db`): a fresh folder unless given one, to reopen a file or open one built beforehand.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: ServerOptions = {},
  dir: string = tempDir(),
): Promise<TestServer> {
  const dbPath = join(dir, "chat.db")
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${dbPath}`,
    DATA_DIR: dir,
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...TEST_DEFAULTS,
    ...env,
  })
  const server = await createServer(config, options)
  let reader: Database | undefined
  // The reader closes after the server: closing it drops the process's POSIX locks on the file,
  // the server's included (two SQLite libraries in one process, see tokens.ts).
  const halt = async () => {
    await server.stop()
    reader?.close()
    reader = undefined
  }
  return {
    server,
    url: server.url,
    dir,
    dbPath,
    query(sql, ...params) {
      reader ??= new Database(dbPath, { readonly: true })
      return reader.query(sql).all(...params) as never
    },
    async restart() {
      await halt()
      return startTestServer(env, options, dir)
    },
    async stop() {
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
