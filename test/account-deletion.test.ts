/**
 * Deleting an account (its owner with the password, or an admin): its messages become tombstones
 * from "deleted user", conversations stay whole for the others, its sockets and tokens stop at once.
 */
import { expect, test } from "bun:test"
import { api, connect, createConversation, join, type TestUser } from "./helpers/clients.ts"
import { auditCount, auditRows, makeAdmins, serverAdmin } from "./helpers/people.ts"
import { writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"
import { QUICK_PASSWORD, quickUsers } from "./helpers/world.ts"

const h = useTestServer()
const say = async (user: TestUser, id: number, text: string) =>
  (await api(h, "POST", `/api/conversations/${id}/messages`, { auth: user, body: { text } })).body.message
const deleteMe = (user: TestUser, password = QUICK_PASSWORD) =>
  api(h, "DELETE", "/api/me", { auth: user, body: { password } })

test("DELETE /api/me: tombstones from deleted user, the group kept whole with a new admin, sockets closed", async () => {
  const [rita, sam, tom] = await quickUsers(h, ["rita", "sam", "tom"])
  const id = await createConversation(h, rita, [sam, tom])
  const kept = await say(sam, id, "from sam")
  const gone = await say(rita, id, "from rita")
  const [ritas, sams] = await Promise.all([connect(h, rita), connect(h, sam)])
  await join(sams, id)

  const [res, closed, departure, heir] = await Promise.all([
    deleteMe(rita),
    waitFor(ritas, "disconnect"),
    waitFor(sams, "participant_removed"),
    waitFor(sams, "role_changed"),
  ])
  expect(res.body).toEqual({ ok: true })
  expect(closed).toBe("io server disconnect")
  expect(departure).toMatchObject({
    userId: rita.id,
    reason: "left",
    by: { id: rita.id, displayName: "deleted user" },
  })
  expect(heir).toMatchObject({ userId: sam.id, role: "admin" })

  const history = (await api(h, "GET", `/api/conversations/${id}/messages`, { auth: sam })).body.messages
  expect(history.map((m: any) => [m.id, m.text, m.sender, m.deletedBy, m.deletedAt !== null])).toEqual([
    [gone.id, null, { id: rita.id, email: "", displayName: "deleted user" }, rita.id, true],
    [kept.id, "from sam", { id: sam.id, email: "", displayName: "sam" }, null, false],
  ])
  const conversation = (await api(h, "GET", `/api/conversations/${id}`, { auth: tom })).body
  expect(conversation.participants.map((p: any) => p.id)).toEqual([sam.id, tom.id])
  expect(conversation.archivedAt).toBeNull()
  // What the stored events said of her names nobody now.
  const replay = (await api(h, "GET", `/api/conversations/${id}/events`, { auth: tom })).body.events
  expect(JSON.stringify(replay)).not.toContain('"rita"')

  expect((await api(h, "GET", "/api/me", { auth: rita })).status).toBe(401)
  const login = await api(h, "POST", "/api/auth/login", {
    body: { email: rita.email, password: QUICK_PASSWORD },
  })
  expect(login.status).toBe(401)
  expect((await api(h, "GET", `/api/users/${rita.id}`, { auth: sam })).status).toBe(404)
  const again = await api(h, "POST", "/api/auth/register", {
    body: { email: rita.email, password: QUICK_PASSWORD },
  })
  expect(again.status).toBe(201)
  expect(again.body.user.id).not.toBe(rita.id)
  expect(auditRows(h, "account.delete", `user:${rita.id}`)).toMatchObject([{ actor_id: rita.id }])
})

test("a deleted account cannot be added back, nor its direct conversation made again", async () => {
  const [una, vic] = await quickUsers(h, ["una", "vic"])
  const direct = await api(h, "POST", "/api/conversations", {
    auth: vic,
    body: { type: "direct", participantIds: [una.id] },
  })
  await deleteMe(una)
  const group = await api(h, "POST", "/api/conversations", { auth: vic, body: { participantIds: [una.id] } })
  expect(group.body.error).toMatchObject({ code: "BAD_REQUEST", field: "participantIds" })
  const pair = await api(h, "POST", "/api/conversations", {
    auth: vic,
    body: { type: "direct", participantIds: [una.id] },
  })
  expect(pair.body.error).toMatchObject({ code: "BAD_REQUEST", field: "participantIds" })
  expect((await api(h, "GET", `/api/conversations/${direct.body.id}/messages`, { auth: vic })).status).toBe(
    200,
  )
})

test("a wrong or missing password changes nothing; the last enabled admin cannot delete their account", async () => {
  const [wes] = await quickUsers(h, ["wes"])
  const before = auditCount(h)
  expect((await deleteMe(wes, "wrong password")).body.error).toMatchObject({
    code: "UNAUTHORIZED",
    field: "password",
  })
  expect((await api(h, "DELETE", "/api/me", { auth: wes, body: {} })).body.error).toMatchObject({
    field: "password",
  })
  expect((await api(h, "GET", "/api/me", { auth: wes })).status).toBe(200)
  expect(auditCount(h)).toBe(before)

  await writeDb(h, "update users set is_admin = 0")
  const [only] = await quickUsers(h, ["only"])
  await makeAdmins(h, only)
  const id = await createConversation(h, only, [wes])
  await say(only, id, "still mine")
  const records = auditCount(h)
  const refused = await deleteMe(only)
  expect(refused.body.error).toMatchObject({
    code: "BAD_REQUEST",
    message: expect.stringMatching(/needs an enabled admin/),
  })
  expect(
    (await api(h, "GET", `/api/conversations/${id}/messages`, { auth: wes })).body.messages[0].text,
  ).toBe("still mine")
  expect((await api(h, "GET", "/api/me", { auth: only })).status).toBe(200)
  expect(auditCount(h)).toBe(records)
})

test("DELETE /api/admin/users/:id deletes as the owner would; not one's own account; unknown is 404", async () => {
  const root = await serverAdmin(h)
  const [xia, yan] = await quickUsers(h, ["xia", "yan"])
  const id = await createConversation(h, yan, [xia])
  await say(xia, id, "soon gone")
  const xias = await connect(h, xia)
  const [res, closed] = await Promise.all([
    api(h, "DELETE", `/api/admin/users/${xia.id}`, { auth: root }),
    waitFor(xias, "disconnect"),
  ])
  expect([res.status, closed]).toEqual([200, "io server disconnect"])
  const [message] = (await api(h, "GET", `/api/conversations/${id}/messages`, { auth: yan })).body.messages
  expect([message.text, message.sender.displayName]).toEqual([null, "deleted user"])
  expect(auditRows(h, "admin.user_delete", `user:${xia.id}`)).toMatchObject([{ actor_id: root.id }])
  expect((await api(h, "DELETE", `/api/admin/users/${xia.id}`, { auth: root })).status).toBe(404)
  expect((await api(h, "DELETE", `/api/admin/users/${root.id}`, { auth: root })).body.error.code).toBe(
    "BAD_REQUEST",
  )
  expect(
    (await api(h, "GET", "/api/admin/users?limit=200", { auth: root })).body.users.map((u: any) => u.id),
  ).not.toContain(xia.id)
})
