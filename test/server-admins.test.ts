/**
 * Server admins: the first account ever is one; admins list and make accounts, grant and revoke
 * admin (never the last admin); everyone else is refused.
 */
import { expect, test } from "bun:test"
import { api, signUp } from "./helpers/clients.ts"
import { auditRows, makeAdmins, serverAdmin } from "./helpers/people.ts"
import { startTestServer } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()
const PRIVATE = ["passwordHash", "password_hash", "tokenVersion", "searchName", "deletedAt", "locale"]

test("the first account ever is a server admin, the next ones are not", async () => {
  const fresh = await startTestServer()
  try {
    const [first, second] = [await signUp(fresh, "first"), await signUp(fresh, "second")]
    const me = async (u: typeof first) => (await api(fresh, "GET", "/api/me", { auth: u })).body.user.isAdmin
    expect([await me(first), await me(second)]).toEqual([true, false])
  } finally {
    await fresh.stop()
  }
})

test("GET /api/admin/users: every account with admin fields and none of the private ones, paged, searchable", async () => {
  const root = await serverAdmin(h)
  const [ann, ben] = await quickUsers(h, ["Annie Ernaux", "Ben"])
  const page = await api(h, "GET", "/api/admin/users?limit=200", { auth: root })
  expect(page.status).toBe(200)
  const annRow = page.body.users.find((u: any) => u.id === ann.id)
  expect(annRow).toEqual({
    id: ann.id,
    email: ann.email,
    displayName: "Annie Ernaux",
    isAdmin: false,
    disabledAt: null,
    createdAt: expect.any(String),
  })
  for (const key of PRIVATE) expect(Object.keys(annRow)).not.toContain(key)
  const first = await api(h, "GET", "/api/admin/users?limit=1", { auth: root })
  const next = await api(h, "GET", `/api/admin/users?limit=1&after=${first.body.nextAfter}`, { auth: root })
  expect(next.body.users[0].id).toBeGreaterThan(first.body.users[0].id)
  const found = await api(h, "GET", "/api/admin/users?q=ernaux", { auth: root })
  expect(found.body.users.map((u: any) => u.id)).toEqual([ann.id])
  const byEmail = await api(h, "GET", `/api/admin/users?q=${encodeURIComponent(ben.email.slice(0, 6))}`, {
    auth: root,
  })
  expect(byEmail.body.users.map((u: any) => u.id)).toContain(ben.id)
})

test("POST /api/admin/users: an account with no usable password, and a reset token its owner sets one with", async () => {
  const root = await serverAdmin(h)
  const email = `made.${Date.now()}@example.test`
  const made = await api(h, "POST", "/api/admin/users", { auth: root, body: { email, displayName: "Made" } })
  expect(made.status).toBe(201)
  expect(made.body.user).toMatchObject({ email, displayName: "Made", isAdmin: false })
  expect(made.body.reset).toEqual({
    userId: made.body.user.id,
    token: expect.any(String),
    expiresAt: expect.any(String),
  })
  expect(auditRows(h, "admin.user_create", `user:${made.body.user.id}`)).toHaveLength(1)
  const set = await api(h, "POST", "/api/auth/reset", {
    body: { token: made.body.reset.token, newPassword: "chosen by me" },
  })
  expect(set.status).toBe(200)
  expect(
    (await api(h, "POST", "/api/auth/login", { body: { email, password: "chosen by me" } })).status,
  ).toBe(200)
  const again = await api(h, "POST", "/api/admin/users", { auth: root, body: { email } })
  expect(again.body.error).toMatchObject({ code: "CONFLICT", field: "email" })
})

test("grant and revoke admin; the last enabled admin keeps it; each change is recorded", async () => {
  const fresh = await startTestServer()
  try {
    const root = await signUp(fresh, "root")
    const [other] = await quickUsers(fresh, ["other"])
    const call = (method: string, id: number) =>
      api(fresh, method, `/api/admin/users/${id}/admin`, { auth: root })
    const alone = await call("DELETE", root.id)
    expect(alone.body.error).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/needs an enabled admin/),
    })
    expect((await call("POST", other.id)).body.user.isAdmin).toBe(true)
    // Now another admin exists: the first may step down.
    expect((await call("DELETE", root.id)).body.user.isAdmin).toBe(false)
    expect((await api(fresh, "GET", "/api/admin/users", { auth: root })).status).toBe(403)
    expect(auditRows(fresh, "admin.grant", `user:${other.id}`)).toMatchObject([{ actor_id: root.id }])
    expect(auditRows(fresh, "admin.revoke", `user:${root.id}`)).toMatchObject([{ actor_id: root.id }])
  } finally {
    await fresh.stop()
  }
})

test("members and unknown callers are refused; unknown accounts are 404; bad ids 400", async () => {
  const root = await serverAdmin(h)
  const [member, target] = await quickUsers(h, ["member", "target"])
  for (const [method, path] of [
    ["GET", "/api/admin/users"],
    ["POST", `/api/admin/users/${target.id}/disable`],
    ["POST", `/api/admin/users/${target.id}/admin`],
    ["POST", `/api/admin/users/${target.id}/password-reset`],
    ["DELETE", `/api/admin/users/${target.id}`],
  ] as const) {
    expect({ path, status: (await api(h, method, path, { auth: member })).status }).toEqual({
      path,
      status: 403,
    })
    expect({ path, status: (await api(h, method, path)).status }).toEqual({ path, status: 401 })
  }
  for (const path of ["disable", "enable", "admin", "password-reset"]) {
    const res = await api(h, "POST", `/api/admin/users/1999999999/${path}`, { auth: root })
    expect({ path, status: res.status }).toEqual({ path, status: 404 })
  }
  expect(
    (await api(h, "POST", "/api/admin/users/abc/disable", { auth: root })).body.error.field,
  ).toBeUndefined()
  expect((await api(h, "POST", "/api/admin/users/abc/disable", { auth: root })).status).toBe(400)
  const bad = await api(h, "POST", "/api/admin/users", { auth: root, body: { email: "not an email" } })
  expect(bad.body.error).toMatchObject({ code: "BAD_REQUEST", field: "email" })
  for (const [query, field] of [
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["after=abc", "after"],
    [`q=${"x".repeat(255)}`, "q"],
  ]) {
    const res = await api(h, "GET", `/api/admin/users?${query}`, { auth: root })
    expect({ query, status: res.status, field: res.body.error?.field }).toEqual({ query, status: 400, field })
  }
  await makeAdmins(h, member)
  expect((await api(h, "GET", "/api/admin/users", { auth: member })).status).toBe(200)
})
