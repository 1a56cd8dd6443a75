/**
 * Disabling an account: its sockets are disconnected at once and hear nothing more, its tokens stop
 * working, its logins answer "account disabled"; enabling it lets its owner log in again.
 */
import { expect, test } from "bun:test"
import { api, connect, connectError, createConversation, join, socketFor } from "./helpers/clients.ts"
import { auditRows, serverAdmin } from "./helpers/people.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"
import { QUICK_PASSWORD, quickUsers } from "./helpers/world.ts"

const h = useTestServer()

test("a disabled user's three sockets are disconnected within a second, and no later event reaches them", async () => {
  const root = await serverAdmin(h)
  const [dana, friend] = await quickUsers(h, ["dana", "friend"])
  const id = await createConversation(h, friend, [dana])
  const devices = await Promise.all([connect(h, dana), connect(h, dana), connect(h, dana)])
  await Promise.all(devices.map((s) => join(s, id)))
  const [res, ...reasons] = await Promise.all([
    api(h, "POST", `/api/admin/users/${dana.id}/disable`, { auth: root }),
    ...devices.map((s) => waitFor(s, "disconnect", () => true, 1000)),
  ])
  expect(res.status).toBe(200)
  expect(res.body.user).toMatchObject({ id: dana.id, disabledAt: expect.any(String) })
  expect(reasons).toEqual(["io server disconnect", "io server disconnect", "io server disconnect"])
  const heard: unknown[] = []
  for (const s of devices) s.onAny((event) => heard.push(event))

  const sent = await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: friend,
    body: { text: "hello?" },
  })
  expect(sent.status).toBe(201)
  expect(await Promise.all(devices.map((s) => nothingWithin(s, "new_message", 300)))).toEqual([
    true,
    true,
    true,
  ])
  expect(heard).toEqual([])
  // Reconnecting with the same token is refused.
  expect((await connectError(socketFor(h, { auth: { token: dana.token } }))).data?.code).toBe("UNAUTHORIZED")
})

test("a disabled account: its token is refused, its login answers FORBIDDEN account disabled; enabled, it logs in", async () => {
  const root = await serverAdmin(h)
  const [erin] = await quickUsers(h, ["erin"])
  await api(h, "POST", `/api/admin/users/${erin.id}/disable`, { auth: root })
  expect((await api(h, "GET", "/api/me", { auth: erin })).status).toBe(401)
  const login = (password: string) =>
    api(h, "POST", "/api/auth/login", { body: { email: erin.email, password } })
  const refused = await login(QUICK_PASSWORD)
  expect(refused.status).toBe(403)
  expect(refused.body.error).toMatchObject({
    code: "FORBIDDEN",
    message: expect.stringMatching(/account disabled/i),
  })
  // Only the right password learns the account is disabled.
  expect((await login("a wrong password")).status).toBe(401)
  expect(JSON.parse(auditRows(h, "auth.login_failed", `user:${erin.id}`)[0]!.details).reason).toBe("disabled")

  const enabled = await api(h, "POST", `/api/admin/users/${erin.id}/enable`, { auth: root })
  expect(enabled.body.user.disabledAt).toBeNull()
  expect((await login(QUICK_PASSWORD)).status).toBe(200)
  expect(auditRows(h, "admin.user_disable", `user:${erin.id}`)).toMatchObject([{ actor_id: root.id }])
  expect(auditRows(h, "admin.user_enable", `user:${erin.id}`)).toMatchObject([{ actor_id: root.id }])
})

test("an admin cannot disable their own account; disabling another admin leaves the server its admins", async () => {
  const [root, other] = [await serverAdmin(h, "root"), await serverAdmin(h, "other")]
  const self = await api(h, "POST", `/api/admin/users/${root.id}/disable`, { auth: root })
  expect(self.body.error).toMatchObject({
    code: "BAD_REQUEST",
    message: expect.stringMatching(/own account/),
  })
  const res = await api(h, "POST", `/api/admin/users/${other.id}/disable`, { auth: root })
  expect(res.body.user).toMatchObject({ isAdmin: true, disabledAt: expect.any(String) })
  expect((await api(h, "GET", "/api/admin/users", { auth: other })).status).toBe(401)
})
