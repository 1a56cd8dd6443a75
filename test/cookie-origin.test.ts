/** Login CSRF and the origin check: scheme, host and port must all match before the cookie is used or set. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test"
import {
  api,
  closeAll,
  connectError,
  createConversation,
  signUp,
  socketFor,
  type TestUser,
} from "./helpers/clients.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"

let h: TestServer
let user: TestUser
beforeAll(async () => {
  h = await startTestServer({ CORS_ORIGINS: "https://chat.example.test" })
  user = await signUp(h, "cookie", "the right password")
})
afterEach(() => closeAll())
afterAll(() => h.stop())

const raw = (path: string, headers: Record<string, string>, body?: string) =>
  fetch(`${h.url}${path}`, { method: "POST", headers, body })
const credentials = () => JSON.stringify({ email: user.email, password: "the right password" })

describe("login CSRF: routes that set or clear the cookie", () => {
  test("a text/plain or form body is refused with BAD_REQUEST and sets no cookie", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const res = await raw("/api/auth/login", { "content-type": type }, credentials())
      expect([type, res.status, ((await res.json()) as any).error.code]).toEqual([type, 400, "BAD_REQUEST"])
      expect(res.headers.get("set-cookie")).toBeNull()
    }
  })

  test("a foreign origin is FORBIDDEN on login, register, logout and reset, and sets or clears no cookie", async () => {
    const evil = { "content-type": "application/json", origin: "https://evil.example" }
    const login = await raw("/api/auth/login", evil, credentials())
    expect([login.status, ((await login.json()) as any).error.code]).toEqual([403, "FORBIDDEN"])
    expect(login.headers.get("set-cookie")).toBeNull()
    const register = await raw(
      "/api/auth/register",
      evil,
      JSON.stringify({ email: `csrf.${process.pid}@example.test`, password: "long enough pw" }),
    )
    expect(register.status).toBe(403)
    expect(h.query("select id from users where email = ?", `csrf.${process.pid}@example.test`)).toEqual([])
    const logout = await raw("/api/auth/logout", { origin: "https://evil.example" })
    expect(logout.status).toBe(403)
    expect(logout.headers.get("set-cookie")).toBeNull()
    const reset = await raw(
      "/api/auth/reset",
      evil,
      JSON.stringify({ token: "x", newPassword: "long enough pw" }),
    )
    expect([reset.status, ((await reset.json()) as any).error.message]).toEqual([
      403,
      "This origin may not use the session cookie",
    ])
  })

  test("JSON from the same origin, an allowed origin, or no origin still logs in", async () => {
    for (const origin of [h.url, "https://chat.example.test", undefined]) {
      const res = await raw(
        "/api/auth/login",
        { "content-type": "application/json", ...(origin ? { origin } : {}) },
        credentials(),
      )
      expect([origin, res.status]).toEqual([origin, 200])
      expect(res.headers.get("set-cookie")).toContain("token=")
    }
  })
})

describe("the origin check compares scheme, host and port", () => {
  const httpsTwin = () => h.url.replace("http://", "https://")
  const otherPort = () => h.url.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`)

  test("a cookie handshake from the same host over https, or another port, is FORBIDDEN", async () => {
    for (const origin of [httpsTwin(), otherPort()]) {
      const s = socketFor(h, { extraHeaders: { cookie: `token=${user.token}`, origin } })
      expect([origin, (await connectError(s)).data?.code]).toEqual([origin, "FORBIDDEN"])
    }
  })

  test("a cookie write from the same host over https, or another port, is FORBIDDEN", async () => {
    const other = await signUp(h, "peer")
    const id = await createConversation(h, user, [other])
    for (const origin of [httpsTwin(), otherPort()]) {
      const res = await api(h, "POST", `/api/conversations/${id}/messages`, {
        headers: { cookie: `token=${user.token}`, origin },
        body: { text: "forged" },
      })
      expect([origin, res.status]).toEqual([origin, 403])
    }
    expect(h.query("select id from messages where conversation_id = ?", id)).toEqual([])
  })
})

describe("behind a trusted proxy (TRUST_PROXY=true)", () => {
  test("a cookie write from the https origin the proxy serves passes on /api/conversations and /api/messages alike, and only with the proxy's word", async () => {
    const p = await startTestServer({ TRUST_PROXY: "true" })
    try {
      const [owner, peer] = [await signUp(p, "proxied"), await signUp(p, "peer")]
      const id = await createConversation(p, owner, [peer])
      const cookie = { cookie: `token=${owner.token}`, origin: p.url.replace("http://", "https://") }
      const proxied = { ...cookie, "x-forwarded-proto": "https" }
      const sent = await api(p, "POST", `/api/conversations/${id}/messages`, {
        headers: proxied,
        body: { text: "through the proxy" },
      })
      expect(sent.status).toBe(201)
      const edit = (headers: Record<string, string>, text: string) =>
        api(p, "PATCH", `/api/messages/${sent.body.message.id}`, { headers, body: { text } })
      expect((await edit(cookie, "not from the proxy")).status).toBe(403)
      expect((await edit(proxied, "edited through the proxy")).status).toBe(200)
      expect(p.query("select text from messages where id = ?", sent.body.message.id)).toEqual([
        { text: "edited through the proxy" },
      ])
    } finally {
      await p.stop()
    }
  })
})
