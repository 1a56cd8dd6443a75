/**
 * The audit log: each important action stores one record (actor, target, address, details) in the
 * transaction of the change, over HTTP and sockets alike (reading it: audit-route.test.ts).
 */
import { describe, expect, test } from "bun:test"
import { api, connect, createConversation, signUp } from "./helpers/clients.ts"
import { auditCount, auditRows } from "./helpers/people.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()
const PASSWORD = "correct horse battery"
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/
const login = (email: string, password = PASSWORD) =>
  api(h, "POST", "/api/auth/login", { body: { email, password } })
const last = (action: string, target?: string) => auditRows(h, action, target).at(-1)

describe("records of account actions", () => {
  test("sign-up, login, failed login, logout, logout everywhere and password change, each with actor, target and address", async () => {
    const user = await signUp(h, "audited")
    const about = `user:${user.id}`
    expect(last("auth.register", about)).toMatchObject({
      actor_id: user.id,
      address: expect.stringMatching(LOOPBACK),
    })

    const token = (await login(user.email)).body.token as string
    expect(last("auth.login", about)).toMatchObject({ actor_id: user.id })
    expect((await login(user.email, "wrong password")).status).toBe(401)
    expect(JSON.parse(last("auth.login_failed", about)!.details)).toEqual({
      email: user.email,
      reason: "password",
    })
    expect(last("auth.login_failed", about)!.actor_id).toBeNull()
    const unknown = `nobody.${Date.now()}@example.test`
    expect((await login(unknown)).status).toBe(401)
    const anonymous = auditRows(h, "auth.login_failed").filter((r) => JSON.parse(r.details).email === unknown)
    expect(anonymous.map((r) => [r.actor_id, r.target])).toEqual([[null, null]])

    await api(h, "POST", "/api/auth/logout", { headers: { authorization: `Bearer ${token}` } })
    expect(last("auth.logout", about)).toMatchObject({ actor_id: user.id })
    const changed = await api(h, "POST", "/api/auth/password", {
      auth: user,
      body: { currentPassword: PASSWORD, newPassword: "another long password" },
    })
    expect(changed.status).toBe(200)
    expect(last("auth.password_change", about)).toMatchObject({ actor_id: user.id })
    await api(h, "POST", "/api/auth/logout-all", {
      headers: { authorization: `Bearer ${changed.body.token}` },
    })
    expect(last("auth.logout_all", about)).toMatchObject({ actor_id: user.id })
  })
})

describe("records of conversation actions", () => {
  test("create, add, role, rename (over a socket), remove, block, unblock, leave and archive", async () => {
    const [admin, bob, carol] = await quickUsers(h, ["admin", "bob", "carol"])
    const id = await createConversation(h, admin, [bob])
    const about = `conversation:${id}`
    expect(JSON.parse(last("conversation.create", about)!.details)).toEqual({
      type: "group",
      participantIds: [bob.id],
    })

    await api(h, "POST", `/api/conversations/${id}/participants`, {
      auth: admin,
      body: { userIds: [carol.id] },
    })
    expect(JSON.parse(last("participant.add", about)!.details)).toEqual({ userIds: [carol.id] })
    await api(h, "PATCH", `/api/conversations/${id}/participants/${bob.id}`, {
      auth: admin,
      body: { role: "admin" },
    })
    expect(JSON.parse(last("participant.role", about)!.details)).toEqual({ userId: bob.id, role: "admin" })

    const socket = await connect(h, admin)
    expect((await socket.emitWithAck("update_conversation", { conversationId: id, title: "new" })).ok).toBe(
      true,
    )
    expect(last("conversation.rename", about)).toMatchObject({
      actor_id: admin.id,
      address: expect.stringMatching(LOOPBACK),
      details: JSON.stringify({ title: "new" }),
    })

    await api(h, "DELETE", `/api/conversations/${id}/participants/${carol.id}`, { auth: admin })
    expect(JSON.parse(last("participant.remove", about)!.details)).toEqual({ userId: carol.id })
    await api(h, "POST", `/api/conversations/${id}/block`, { auth: bob })
    await api(h, "DELETE", `/api/conversations/${id}/block`, { auth: bob })
    expect([
      last("conversation.block", about)?.actor_id,
      last("conversation.unblock", about)?.actor_id,
    ]).toEqual([bob.id, bob.id])
    await api(h, "POST", `/api/conversations/${id}/leave`, { auth: admin })
    await api(h, "POST", `/api/conversations/${id}/leave`, { auth: bob })
    expect(auditRows(h, "participant.leave", about).map((r) => r.actor_id)).toEqual([admin.id, bob.id])
    expect(last("conversation.archive", about)).toMatchObject({ actor_id: bob.id })
  })

  test("an admin deleting someone else's message is recorded; a sender deleting their own is not", async () => {
    const [admin, member] = await quickUsers(h, ["admin", "member"])
    const id = await createConversation(h, admin, [member])
    const say = async (text: string) =>
      (await api(h, "POST", `/api/conversations/${id}/messages`, { auth: member, body: { text } })).body
        .message.id
    const [taken, own] = [await say("taken down"), await say("mine")]
    expect((await api(h, "DELETE", `/api/messages/${taken}`, { auth: admin })).status).toBe(200)
    expect((await api(h, "DELETE", `/api/messages/${own}`, { auth: member })).status).toBe(200)
    expect(auditRows(h, "message.delete", `message:${taken}`)).toMatchObject([
      { actor_id: admin.id, details: JSON.stringify({ conversationId: id, senderId: member.id }) },
    ])
    expect(auditRows(h, "message.delete", `message:${own}`)).toEqual([])
  })

  test("a refused change stores no record: the record is part of the change's transaction", async () => {
    const [admin, member] = await quickUsers(h, ["admin", "member"])
    const id = await createConversation(h, admin, [member])
    const before = auditCount(h)
    const refused = await api(h, "PATCH", `/api/conversations/${id}`, {
      auth: member,
      body: { title: "mine" },
    })
    expect(refused.status).toBe(403)
    const taken = await api(h, "POST", "/api/auth/register", {
      body: { email: admin.email, password: PASSWORD },
    })
    expect(taken.status).toBe(409)
    expect(auditCount(h)).toBe(before)
  })
})
