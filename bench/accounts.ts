// Users and conversations for a run, created through the real server's HTTP API
// (or invented for the limit servers, which check nothing).
import { pool } from "./clients.ts"
import type { TargetKind } from "./servers.ts"

export type Identity = { userId: number; token: string }

const PASSWORD = "bench-password-123"

async function api<T>(url: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`POST ${path} -> ${res.status} ${(await res.text()).slice(0, 300)}`)
  return (await res.json()) as T
}

/**
 * Register `count` users. Password hashing is deliberately slow, so run a few
 * registrations in parallel (more would only queue on the server's 2 cores).
 */
export async function registerUsers(
  kind: TargetKind,
  url: string,
  count: number,
  parallel = 8,
): Promise<Identity[]> {
  if (kind !== "real") return Array.from({ length: count }, (_, i) => ({ userId: i + 1, token: "" }))
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}` // unique per run: --url servers keep old users
  const out: Identity[] = new Array(count)
  await pool(
    Array.from({ length: count }, (_, i) => i),
    parallel,
    async (i) => {
      const email = `bench-${tag}-${i}@bench.invalid`
      const r = await api<{ user: { id: number }; token: string }>(url, "/api/auth/register", {
        email,
        password: PASSWORD,
        displayName: `bench ${i}`,
      })
      out[i] = { userId: r.user.id, token: r.token }
    },
  )
  return out
}

/** Split users into groups of `members`; the first of each group creates the conversation. Returns ids per group. */
export async function createConversations(
  kind: TargetKind,
  url: string,
  users: Identity[],
  members: number,
): Promise<number[]> {
  const groups = Math.ceil(users.length / members)
  if (kind !== "real") return Array.from({ length: groups }, (_, g) => g + 1)
  const ids: number[] = new Array(groups)
  await pool(
    Array.from({ length: groups }, (_, g) => g),
    8,
    async (g) => {
      const group = users.slice(g * members, (g + 1) * members)
      const [creator, ...rest] = group
      if (!creator) throw new Error("empty conversation group")
      const r = await api<{ id: number }>(
        url,
        "/api/conversations",
        { title: `bench ${g}`, participantIds: rest.map((u) => u.userId) },
        creator.token,
      )
      ids[g] = r.id
    },
  )
  return ids
}
