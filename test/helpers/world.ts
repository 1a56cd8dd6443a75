/**
 * A fresh cast for one test in a few milliseconds: users written straight into the database file
 * (argon2 hashing through the API costs ~100 ms each), conversations built through the real API.
 */
import { createClient } from "@libsql/client"
import { searchName } from "../../src/services/people/searchName.ts"
import { api, type TestUser } from "./clients.ts"
import type { TestServer } from "./server.ts"
import { tokenFor, writeDb } from "./tokens.ts"

/** The password of every user made by `quickUsers`. */
export const QUICK_PASSWORD = "correct horse battery"

let hash: Promise<string> | undefined
let counter = 0

/**
 * Inserts one user per name (password `QUICK_PASSWORD`) and signs each a valid token. Through
 * libSQL, as `writeDb` explains: a bun:sqlite writer would freeze the server's view of the file.
 */
export async function quickUsers<const N extends readonly string[]>(
  h: TestServer,
  names: N,
): Promise<{ -readonly [K in keyof N]: TestUser }> {
  hash ??= Bun.password.hash(QUICK_PASSWORD, { algorithm: "argon2id" })
  const passwordHash = await hash
  const people = names.map((name) => ({
    email: `${name.toLowerCase()}.q${process.pid}.${++counter}@example.test`,
    displayName: name,
  }))
  const client = createClient({ url: `file:${h.dbPath}` })
  try {
    await client.execute("PRAGMA busy_timeout = 5000")
    const results = await client.batch(
      people.map((p) => ({
        sql: "insert into users (email, password_hash, display_name, search_name) values (?, ?, ?, ?) returning id",
        args: [p.email, passwordHash, p.displayName, searchName(p.displayName)],
      })),
      "write",
    )
    return (await Promise.all(
      people.map(async (p, i) => {
        const id = Number(results[i]!.rows[0]!.id)
        return { id, ...p, token: await tokenFor(id) }
      }),
    )) as never
  } finally {
    client.close()
  }
}

/** Fails loudly when a setup request does not get the expected status. */
async function must(
  h: TestServer,
  status: number,
  method: string,
  path: string,
  options: Parameters<typeof api>[3],
) {
  const res = await api(h, method, path, options)
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

const ROLES = [
  "admin",
  "member",
  "victim",
  "outsider",
  "stranger",
  "removed",
  "left",
  "groupBlocker",
  "directBlocker",
  "directOther",
  "serverAdmin",
  "deputy",
  "disabled",
] as const

export type WorldRole = (typeof ROLES)[number]

/**
 * One group (admin; member, victim, groupBlocker active; removed and left gone) with a message from
 * the admin, and one direct conversation with a message that directBlocker then blocked.
 * `outsider` and `stranger` belong to neither; `outsider` is the one to add. `serverAdmin` and
 * `deputy` are server admins (so one of them may go); `disabled` was disabled by `serverAdmin`.
 */
export interface World extends Record<WorldRole, TestUser> {
  group: number
  direct: number
  groupMessage: number
  directMessage: number
}

/** Builds a `World` through the HTTP API. */
export async function buildWorld(h: TestServer): Promise<World> {
  const people = await quickUsers(h, [...ROLES])
  const u = Object.fromEntries(ROLES.map((r, i) => [r, people[i]!])) as Record<WorldRole, TestUser>
  const groupSide = async () => {
    const { id } = await must(h, 201, "POST", "/api/conversations", {
      auth: u.admin,
      body: {
        title: "world",
        participantIds: [u.member, u.victim, u.removed, u.left, u.groupBlocker].map((x) => x.id),
      },
    })
    const { message } = await must(h, 201, "POST", `/api/conversations/${id}/messages`, {
      auth: u.admin,
      body: { text: "before" },
    })
    await must(h, 200, "DELETE", `/api/conversations/${id}/participants/${u.removed.id}`, { auth: u.admin })
    await must(h, 200, "POST", `/api/conversations/${id}/leave`, { auth: u.left })
    await must(h, 200, "POST", `/api/conversations/${id}/block`, { auth: u.groupBlocker })
    return { group: id as number, groupMessage: message.id as number }
  }
  const directSide = async () => {
    const { id } = await must(h, 201, "POST", "/api/conversations", {
      auth: u.directBlocker,
      body: { type: "direct", participantIds: [u.directOther.id] },
    })
    const { message } = await must(h, 201, "POST", `/api/conversations/${id}/messages`, {
      auth: u.directOther,
      body: { text: "before" },
    })
    await must(h, 200, "POST", `/api/conversations/${id}/block`, { auth: u.directBlocker })
    return { direct: id as number, directMessage: message.id as number }
  }
  const [g, d] = await Promise.all([groupSide(), directSide()])
  await writeDb(h, "update users set is_admin = 1 where id in (?, ?)", u.serverAdmin.id, u.deputy.id)
  await must(h, 200, "POST", `/api/admin/users/${u.disabled.id}/disable`, { auth: u.serverAdmin })
  return { ...u, ...g, ...d }
}

const TABLES = [
  "users",
  "conversations",
  "conversation_participants",
  "messages",
  "message_reads",
  "revoked_tokens",
  "message_reactions",
  "conversation_events",
  "invites",
  "password_resets",
  "audit_events",
  "uploads",
  "message_attachments",
]

/**
 * Every row of every table (but those `ignored`), to compare before and after a refused action;
 * without last_seen_at, which any socket closed earlier may still move (presence is written after a grace).
 */
export function snapshot(h: TestServer, ignored: string[] = []): Record<string, unknown[]> {
  const rows = (t: string) =>
    h.query(`select * from ${t} order by rowid`).map(({ last_seen_at: _, ...row }) => row)
  return Object.fromEntries(TABLES.filter((t) => !ignored.includes(t)).map((t) => [t, rows(t)]))
}
