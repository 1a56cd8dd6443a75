/** Logout revokes the token it is called with, closes that token's sockets, and nothing else. */
import { expect, test } from "bun:test"
import { api, connect, connectError, signUp, socketFor } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const h = useTestServer()
const PASSWORD = "correct horse battery"

test("logout revokes that token on HTTP and sockets and closes its sockets; the user's other tokens go on", async () => {
  const user = await signUp(h, "leaver")
  const login = async () =>
    (await api(h, "POST", "/api/auth/login", { body: { email: user.email, password: PASSWORD } })).body
      .token as string
  const [laptop, phone] = [await login(), await login()]
  const [onLaptop, onPhone] = await Promise.all([
    connect(h, { ...user, token: laptop }),
    connect(h, { ...user, token: phone }),
  ])
  const [res, gone, stays] = await Promise.all([
    api(h, "POST", "/api/auth/logout", { headers: { authorization: `Bearer ${laptop}` } }),
    waitFor(onLaptop, "disconnect"),
    nothingWithin(onPhone, "disconnect", 300),
  ])
  expect(res.status).toBe(200)
  expect(gone).toBe("io server disconnect")
  expect(stays).toBe(true)
  const me = (token: string) => api(h, "GET", "/api/me", { headers: { authorization: `Bearer ${token}` } })
  expect([(await me(laptop)).status, (await me(laptop)).body.error.message]).toEqual([
    401,
    "Authentication token has been revoked",
  ])
  expect((await me(phone)).status).toBe(200)
  expect((await connectError(socketFor(h, { auth: { token: laptop } }))).message).toMatch(/revoked/)
  // Kept on disk, so a restart does not bring the token back.
  expect(h.query("select count(*) as n from revoked_tokens")).toEqual([{ n: 1 }])
})

test("logout with the cookie revokes the cookie's token and clears it", async () => {
  const user = await signUp(h, "cookie")
  const login = await api(h, "POST", "/api/auth/login", { body: { email: user.email, password: PASSWORD } })
  const cookie = `token=${login.body.token}`
  const out = await api(h, "POST", "/api/auth/logout", { headers: { cookie } })
  expect(out.status).toBe(200)
  expect(out.headers.getSetCookie().find((c) => c.startsWith("token="))).toMatch(/^token=;/)
  expect((await api(h, "GET", "/api/me", { headers: { cookie } })).status).toBe(401)
})

test("logout without a token, or with a dead one, still answers 200 and clears the cookie", async () => {
  for (const headers of [{}, { authorization: "Bearer not-a-token" }] as Record<string, string>[]) {
    const res = await api(h, "POST", "/api/auth/logout", { headers })
    expect(res.status).toBe(200)
  }
})
