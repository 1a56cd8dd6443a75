/**
 * The authorization matrix's rows for the people and administration routes (issue 12): who may
 * (anyone, any signed-in user, or a server admin), and what each cell sends.
 */
import { api } from "./clients.ts"
import type { TestServer } from "./server.ts"
import { QUICK_PASSWORD, type World } from "./world.ts"

/** What a cell aims at: the account (or conversation) `target`, and what `prepare` made for it. */
export interface PeopleCell {
  target: number
  prepared: Record<string, unknown>
}

export interface PeopleOp {
  name: string
  rule: "public" | "user" | "serverAdmin"
  okStatus: number
  pure?: boolean
  /** Made through the API before the cell's snapshot (an invite to revoke, a reset token to use). */
  prepare?(h: TestServer, w: World): Promise<Record<string, unknown>>
  body?(c: PeopleCell, w: World): unknown
  /** The path, when `:id` is not the cell's conversation. */
  path?(c: PeopleCell, w: World): string
}

let fresh = 0
const email = () => `people.${process.pid}.${++fresh}@example.test`
const account =
  (suffix = "") =>
  (c: PeopleCell) =>
    `/api/admin/users/${c.target}${suffix}`

export const PEOPLE_OPS: PeopleOp[] = [
  {
    name: "POST /api/auth/reset",
    rule: "public",
    okStatus: 200,
    prepare: async (h, w) => {
      const res = await api(h, "POST", `/api/admin/users/${w.victim.id}/password-reset`, {
        auth: w.serverAdmin,
      })
      return { token: res.body.token }
    },
    body: (c) => ({ token: c.prepared.token, newPassword: "a new long password" }),
  },
  { name: "PATCH /api/me", rule: "user", okStatus: 200, body: () => ({ displayName: "renamed" }) },
  { name: "DELETE /api/me", rule: "user", okStatus: 200, body: () => ({ password: QUICK_PASSWORD }) },
  { name: "GET /api/me/export", rule: "user", okStatus: 200, pure: true },
  { name: "GET /api/users", rule: "user", okStatus: 200, pure: true },
  { name: "GET /api/admin/users", rule: "serverAdmin", okStatus: 200, pure: true },
  { name: "POST /api/admin/users", rule: "serverAdmin", okStatus: 201, body: () => ({ email: email() }) },
  {
    name: "POST /api/admin/users/:id/disable",
    rule: "serverAdmin",
    okStatus: 200,
    path: account("/disable"),
  },
  { name: "POST /api/admin/users/:id/enable", rule: "serverAdmin", okStatus: 200, path: account("/enable") },
  { name: "POST /api/admin/users/:id/admin", rule: "serverAdmin", okStatus: 200, path: account("/admin") },
  { name: "DELETE /api/admin/users/:id/admin", rule: "serverAdmin", okStatus: 200, path: account("/admin") },
  {
    name: "POST /api/admin/users/:id/password-reset",
    rule: "serverAdmin",
    okStatus: 201,
    path: account("/password-reset"),
  },
  { name: "DELETE /api/admin/users/:id", rule: "serverAdmin", okStatus: 200, path: account() },
  { name: "POST /api/admin/invites", rule: "serverAdmin", okStatus: 201, body: () => ({ uses: 2 }) },
  { name: "GET /api/admin/invites", rule: "serverAdmin", okStatus: 200, pure: true },
  {
    name: "DELETE /api/admin/invites/:id",
    rule: "serverAdmin",
    okStatus: 200,
    prepare: async (h, w) => ({
      invite: (await api(h, "POST", "/api/admin/invites", { auth: w.serverAdmin, body: {} })).body.invite.id,
    }),
    path: (c) => `/api/admin/invites/${c.prepared.invite}`,
  },
  { name: "GET /api/admin/audit", rule: "serverAdmin", okStatus: 200, pure: true },
]
