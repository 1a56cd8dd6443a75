/** Tokens the server must refuse, and direct writes to the database file to age or remove a user. */
import { createClient } from "@libsql/client"
import { sign } from "hono/jwt"
import { TEST_SECRET, type TestServer } from "./server.ts"

/** A secret the server does not know: tokens signed with it are forged. */
export const OTHER_SECRET = "other-secret-that-is-not-the-servers-0123456789"

/** Not even JWT-shaped. */
export const MALFORMED_TOKEN = "not-a-jwt"

const now = () => Math.floor(Date.now() / 1000)

/** A token with the server's own claims for `userId`, signed with `secret`, expiring in `ttl` seconds. */
export function tokenFor(
  userId: number,
  { secret = TEST_SECRET, ttl = 3600, ver = 0 } = {},
): Promise<string> {
  return sign({ sub: String(userId), ver, iat: now() - 10, exp: now() + ttl }, secret, "HS256")
}

/** Signed with another secret. */
export const forgedToken = (userId: number) => tokenFor(userId, { secret: OTHER_SECRET })

/** Signed with the server's secret, but expired a minute ago. */
export const expiredToken = (userId: number) => tokenFor(userId, { ttl: -60 })

/**
 * Runs one write statement on the database file beside the server's own connection. Through
 * libSQL, not bun:sqlite: two SQLite libraries in one process do not see each other's POSIX locks,
 * so closing a bun:sqlite writer checkpoints and removes the WAL under the server's connection,
 * which then reads a stale snapshot for good (https://sqlite.org/howtocorrupt.html, section 2.2).
 */
export async function writeDb(
  h: TestServer,
  sql: string,
  ...args: (string | number | null)[]
): Promise<number> {
  const client = createClient({ url: `file:${h.dbPath}` })
  try {
    await client.execute("PRAGMA busy_timeout = 5000")
    return (await client.execute({ sql, args })).rowsAffected
  } finally {
    client.close()
  }
}
