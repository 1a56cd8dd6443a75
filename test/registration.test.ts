/**
 * Who may register (REGISTRATION): open keeps today's behaviour; invite needs an admin's invite
 * (single use by default, expiring, listable, revocable, maybe for one email); closed refuses,
 * and only admins and the command line make accounts. Every refusal is FORBIDDEN saying why.
 */
import { describe, expect, test } from "bun:test"
import { api } from "./helpers/clients.ts"
import { auditRows, serverAdmin } from "./helpers/people.ts"
import { startTestServer } from "./helpers/server.ts"
import { writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer({ REGISTRATION: "invite", INVITE_TTL: "2d" })
let n = 0
const email = (name: string) => `${name}.${process.pid}.${++n}@example.test`
const register = (body: Record<string, unknown>, server = h) =>
  api(server, "POST", "/api/auth/register", { body: { password: "correct horse battery", ...body } })
const invite = async (
  root: { token: string; id: number; email: string; displayName: string | null },
  body = {},
) => {
  const res = await api(h, "POST", "/api/admin/invites", { auth: root, body })
  if (res.status !== 201) throw new Error(`invite: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { invite: any; token: string }
}

describe("REGISTRATION=invite", () => {
  test("without an invite, or with a bad one, registration is FORBIDDEN saying why", async () => {
    expect((await register({ email: email("none") })).body.error).toEqual({
      code: "FORBIDDEN",
      message: "Registration needs an invite from a server admin (inviteToken)",
    })
    expect((await register({ email: email("bad"), inviteToken: "nope" })).body.error.message).toBe(
      "This invite is not valid",
    )
  })

  test("an invite is single use by default, lasts INVITE_TTL, and is recorded with the registration", async () => {
    const root = await serverAdmin(h)
    const { invite: made, token } = await invite(root)
    expect(made).toMatchObject({ email: null, maxUses: 1, uses: 0, status: "active", createdBy: root.id })
    const ttl = Date.parse(made.expiresAt) - Date.parse(made.createdAt)
    expect(Math.round(ttl / 3600_000)).toBe(48)
    const first = await register({ email: email("first"), inviteToken: token })
    expect(first.status).toBe(201)
    expect(auditRows(h, "auth.register", `user:${first.body.user.id}`)).toMatchObject([
      { details: JSON.stringify({ inviteId: made.id }) },
    ])
    const second = await register({ email: email("second"), inviteToken: token })
    expect(second.body.error).toEqual({ code: "FORBIDDEN", message: "This invite has already been used" })
  })

  test("two registrations racing for an invite's last use: exactly one gets in", async () => {
    const root = await serverAdmin(h)
    const { token } = await invite(root, { uses: 2 })
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => register({ email: email(`race${i}`), inviteToken: token })),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 403, 403])
  })

  test("an expired, a revoked and an email-bound invite each refuse saying why", async () => {
    const root = await serverAdmin(h)
    const expired = await invite(root, { expiresIn: "1h" })
    await writeDb(h, "update invites set expires_at = ? where id = ?", Date.now() - 1, expired.invite.id)
    expect((await register({ email: email("late"), inviteToken: expired.token })).body.error.message).toBe(
      "This invite has expired",
    )
    const revoked = await invite(root)
    const res = await api(h, "DELETE", `/api/admin/invites/${revoked.invite.id}`, { auth: root })
    expect(res.body.invite).toMatchObject({
      id: revoked.invite.id,
      status: "revoked",
      revokedAt: expect.any(String),
    })
    expect((await register({ email: email("revoked"), inviteToken: revoked.token })).body.error.message).toBe(
      "This invite has been revoked",
    )
    const bound = email("bound")
    const forOne = await invite(root, { email: bound, expiresIn: 3600 })
    expect((await register({ email: email("other"), inviteToken: forOne.token })).body.error.message).toBe(
      "This invite is for another email address",
    )
    expect((await register({ email: bound.toUpperCase(), inviteToken: forOne.token })).status).toBe(201)
  })

  test("admins list invites newest first with their status; revoking twice answers it as it is; others are refused", async () => {
    const root = await serverAdmin(h)
    const [member] = await quickUsers(h, ["member"])
    const a = await invite(root)
    const b = await invite(root, { uses: 3 })
    const list = await api(h, "GET", "/api/admin/invites", { auth: root })
    const ids = list.body.invites.map((i: any) => i.id)
    expect(ids.indexOf(b.invite.id)).toBeLessThan(ids.indexOf(a.invite.id))
    expect(JSON.stringify(list.body)).not.toContain(a.token)
    await api(h, "DELETE", `/api/admin/invites/${a.invite.id}`, { auth: root })
    expect((await api(h, "DELETE", `/api/admin/invites/${a.invite.id}`, { auth: root })).status).toBe(200)
    expect(auditRows(h, "admin.invite_revoke", `invite:${a.invite.id}`)).toHaveLength(1)
    expect(auditRows(h, "admin.invite_create", `invite:${b.invite.id}`)).toMatchObject([
      { actor_id: root.id, details: expect.stringContaining('"maxUses":3') },
    ])
    expect((await api(h, "DELETE", "/api/admin/invites/1999999999", { auth: root })).status).toBe(404)
    for (const [method, path] of [
      ["GET", "/api/admin/invites"],
      ["POST", "/api/admin/invites"],
      ["DELETE", `/api/admin/invites/${b.invite.id}`],
    ] as const) {
      const body = method === "POST" ? {} : undefined
      expect({ path, status: (await api(h, method, path, { auth: member, body })).status }).toEqual({
        path,
        status: 403,
      })
    }
  })

  test("bad invite inputs are 400 naming the field", async () => {
    const root = await serverAdmin(h)
    for (const [body, field] of [
      [{ uses: 0 }, "uses"],
      [{ uses: 1.5 }, "uses"],
      [{ expiresIn: 10 }, "expiresIn"],
      [{ expiresIn: "soon" }, "expiresIn"],
      [{ expiresIn: "400d" }, "expiresIn"],
      [{ email: "nope" }, "email"],
    ] as const) {
      const res = await api(h, "POST", "/api/admin/invites", { auth: root, body })
      expect({ body, status: res.status, field: res.body.error?.field }).toEqual({ body, status: 400, field })
    }
  })
})

test("REGISTRATION=closed: registration is refused, even with an invite; admins still make accounts", async () => {
  const closed = await startTestServer({ REGISTRATION: "closed" })
  try {
    const refused = await register({ email: email("closed"), inviteToken: "any" }, closed)
    expect(refused.body.error).toEqual({
      code: "FORBIDDEN",
      message: "Registration is closed: a server admin makes accounts",
    })
    const root = await serverAdmin(closed)
    const made = await api(closed, "POST", "/api/admin/users", { auth: root, body: { email: email("made") } })
    expect(made.status).toBe(201)
  } finally {
    await closed.stop()
  }
})

test("REGISTRATION=open (the default): anyone registers; an invite token is not needed", async () => {
  const open = await startTestServer()
  try {
    expect((await register({ email: email("open") }, open)).status).toBe(201)
  } finally {
    await open.stop()
  }
})

test("GET /api/auth/registration says the mode to anyone, before they try: open, invite or closed", async () => {
  const mode = async (server: { url: string }) => {
    const res = await fetch(`${server.url}/api/auth/registration`)
    expect(res.status).toBe(200)
    return res.json()
  }
  expect(await mode(h)).toEqual({ mode: "invite" })
  const open = await startTestServer()
  const closed = await startTestServer({ REGISTRATION: "closed" })
  try {
    expect(await mode(open)).toEqual({ mode: "open" })
    expect(await mode(closed)).toEqual({ mode: "closed" })
  } finally {
    await open.stop()
    await closed.stop()
  }
})
