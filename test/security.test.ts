import { describe, expect, test } from "bun:test"
import { api, connect, connectError, createConversation, join, signUp, socketFor } from "./helpers/clients.ts"
import { startTestServer } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"

const h = useTestServer({
  CORS_ORIGINS: "https://chat.example.test",
  RATE_LIMIT_MESSAGES_PER_SECOND: "1",
  RATE_LIMIT_MESSAGES_BURST: "3",
  LOGIN_MAX_FAILURES: "3",
  MAX_CONNECTIONS_PER_USER: "3",
})

const cookieSocket = (token: string, origin?: string) =>
  socketFor(h, { extraHeaders: { cookie: `token=${token}`, ...(origin ? { origin } : {}) } })

describe("cookie sessions only from allowed origins", () => {
  test("socket handshake: a foreign page is refused, the configured origin and non-browser clients are not", async () => {
    const user = await signUp(h, "origin")
    const refused = await connectError(cookieSocket(user.token, "https://evil.example.test"))
    expect(refused.data?.code).toBe("FORBIDDEN")
    // One at a time, listening before connecting can finish: a socket made early may connect unheard.
    for (const origin of ["https://chat.example.test", undefined]) {
      const s = cookieSocket(user.token, origin)
      const outcome = await new Promise<string>((resolve) => {
        s.once("connect", () => resolve("connected"))
        s.once("connect_error", (err) => resolve(`refused: ${err.message}`))
      })
      expect(outcome).toBe("connected")
      s.close()
    }
    // A bearer-style token is not ambient authority: any origin may use it.
    const viaAuth = await connect(h, user, { extraHeaders: { origin: "https://evil.example.test" } })
    expect(viaAuth.connected).toBe(true)
  })

  test("the long-polling handshake answers CORS for an allowed origin only", async () => {
    const handshake = (origin: string) =>
      fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } })
    const allowed = await handshake("https://chat.example.test")
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://chat.example.test")
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true")
    const foreign = await handshake("https://evil.example.test")
    // The engine answers "false" (as the cors package does): no browser accepts it.
    expect(foreign.headers.get("access-control-allow-origin") ?? "false").toBe("false")
  })

  test("HTTP writes with the cookie from a foreign origin are FORBIDDEN and change nothing", async () => {
    const [user, other] = await Promise.all([signUp(h, "csrf"), signUp(h, "peer")])
    const id = await createConversation(h, user, [other])
    const headers = { cookie: `token=${user.token}`, origin: "https://evil.example.test" }
    const res = await api(h, "POST", `/api/conversations/${id}/messages`, {
      headers,
      body: { text: "forged" },
    })
    expect([res.status, res.body.error.code]).toEqual([403, "FORBIDDEN"])
    const read = await api(h, "GET", `/api/conversations/${id}/messages`, { headers })
    expect(read.status).toBe(200)
    const sameOrigin = await api(h, "POST", `/api/conversations/${id}/messages`, {
      headers: { cookie: `token=${user.token}`, origin: h.url },
      body: { text: "mine" },
    })
    expect(sameOrigin.status).toBe(201)
    expect(h.query("select text from messages where conversation_id = ?", id)).toEqual([{ text: "mine" }])
  })
})

describe("revocation", () => {
  test("logout-all revokes every token and disconnects every live socket", async () => {
    const user = await signUp(h, "revoke")
    const [d1, d2] = await Promise.all([connect(h, user), connect(h, user)])
    const [res, gone1, gone2] = await Promise.all([
      api(h, "POST", "/api/auth/logout-all", { auth: user }),
      waitFor(d1!, "disconnect"),
      waitFor(d2!, "disconnect"),
    ])
    expect(res.status).toBe(200)
    expect([gone1, gone2]).toEqual(["io server disconnect", "io server disconnect"])
    const me = await api(h, "GET", "/api/me", { auth: user })
    expect([me.status, me.body.error.message]).toEqual([401, "Authentication token has been revoked"])
    expect((await connectError(socketFor(h, { auth: { token: user.token } }))).message).toMatch(/revoked/)
  })

  test("a password change needs the current password, then revokes older tokens and keeps the caller signed in", async () => {
    const user = await signUp(h, "pw", "old password 1")
    const device = await connect(h, user)
    const wrong = await api(h, "POST", "/api/auth/password", {
      auth: user,
      body: { currentPassword: "nope", newPassword: "new password 2" },
    })
    expect(wrong.status).toBe(401)
    const weak = await api(h, "POST", "/api/auth/password", {
      auth: user,
      body: { currentPassword: "old password 1", newPassword: "x" },
    })
    expect([weak.status, weak.body.error.field]).toEqual([400, "newPassword"])
    const [changed, reason] = await Promise.all([
      api(h, "POST", "/api/auth/password", {
        auth: user,
        body: { currentPassword: "old password 1", newPassword: "new password 2" },
      }),
      waitFor(device, "disconnect"),
    ])
    expect(changed.status).toBe(200)
    expect(reason).toBe("io server disconnect")
    expect((await api(h, "GET", "/api/me", { auth: user })).status).toBe(401)
    expect((await api(h, "GET", "/api/me", { auth: { ...user, token: changed.body.token } })).status).toBe(
      200,
    )
    const login = await api(h, "POST", "/api/auth/login", {
      body: { email: user.email, password: "new password 2" },
    })
    expect(login.status).toBe(200)
  })
})

describe("limits", () => {
  test("messages beyond the burst are RATE_LIMITED with retryAfterMs, and not stored", async () => {
    const [a, b] = await Promise.all([signUp(h, "chatty"), signUp(h, "listener")])
    const id = await createConversation(h, a, [b])
    const s = await connect(h, a)
    await join(s, id)
    const acks = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        s.emitWithAck("send_message", { conversationId: id, text: `m${i}` }),
      ),
    )
    const limited = acks.filter((x) => !x.ok)
    expect(acks.filter((x) => x.ok).length).toBe(3)
    expect(limited.length).toBe(2)
    expect(limited[0].error.code).toBe("RATE_LIMITED")
    expect(limited[0].error.retryAfterMs).toBeGreaterThan(0)
    expect(
      h.query<{ n: number }>("select count(*) as n from messages where conversation_id = ?", id)[0]!.n,
    ).toBe(3)
  })

  test("failed logins: after the limit, even the right password gets 429 for that email", async () => {
    const user = await signUp(h, "guess", "the right one!")
    for (let i = 0; i < 3; i++) {
      const res = await api(h, "POST", "/api/auth/login", {
        body: { email: user.email, password: `wrong ${i}` },
      })
      expect(res.status).toBe(401)
    }
    const locked = await api(h, "POST", "/api/auth/login", {
      body: { email: user.email, password: "the right one!" },
    })
    expect([locked.status, locked.body.error.code]).toEqual([429, "RATE_LIMITED"])
    expect(locked.body.error.retryAfterMs).toBeGreaterThan(0)
    expect(locked.headers.get("retry-after")).toMatch(/^\d+$/)
  })

  test("connections per user are capped", async () => {
    const user = await signUp(h, "tabs")
    await Promise.all([connect(h, user), connect(h, user), connect(h, user)])
    const refused = await connectError(socketFor(h, { auth: { token: user.token } }))
    expect(refused.data?.code).toBe("RATE_LIMITED")
  })

  test("an HTTP body over the frame limit is PAYLOAD_TOO_LARGE, and nothing is stored", async () => {
    const [a, b] = await Promise.all([signUp(h, "big"), signUp(h, "small")])
    const id = await createConversation(h, a, [b])
    const res = await api(h, "POST", `/api/conversations/${id}/messages`, {
      auth: a,
      rawBody: JSON.stringify({ text: "x".repeat(70 * 1024) }),
    })
    expect([res.status, res.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"])
    expect(h.query("select count(*) as n from messages where conversation_id = ?", id)).toEqual([{ n: 0 }])
  })

  test("security headers on every response; no stack trace or SQL in errors", async () => {
    const res = await api(h, "POST", "/api/auth/register", { rawBody: "{not json" })
    expect(res.status).toBe(400)
    expect(res.headers.get("x-content-type-options")).toBe("nosniff")
    expect(res.headers.get("x-frame-options")).toBeTruthy()
    expect(JSON.stringify(res.body)).not.toMatch(/at |SELECT|sqlite/i)
  })
})

test("a socket is disconnected when its token expires", async () => {
  const short = await startTestServer({ JWT_TTL: "2" })
  try {
    const user = await signUp(short, "brief")
    const s = await connect(short, user)
    expect(await waitFor(s, "disconnect", () => true, 5000)).toBe("io server disconnect")
  } finally {
    await short.stop()
  }
})
