import { describe, expect, test } from "bun:test"
import { api, signUp } from "./helpers/clients.ts"
import { expiredToken, forgedToken, MALFORMED_TOKEN, writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer()

let n = 0
const freshEmail = (name = "user") => `${name}.${++n}.${process.pid}@example.test`
const PASSWORD = "correct horse battery"
const register = (body: unknown) => api(h, "POST", "/api/auth/register", { body })
const login = (body: unknown, headers: Record<string, string> = {}) =>
  api(h, "POST", "/api/auth/login", { body, headers })
const me = (headers: Record<string, string>) => api(h, "GET", "/api/me", { headers })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe("POST /api/auth/register", () => {
  test("201 with the public user and a working token; the password is stored hashed", async () => {
    const email = freshEmail("Ada")
    const res = await register({ email, password: PASSWORD, displayName: "  Ada  " })
    expect(res.status).toBe(201)
    expect(res.body.user).toEqual({
      id: expect.any(Number),
      email: email.toLowerCase(),
      displayName: "Ada",
      // The first account of this server's file is its admin: which test registers first is not fixed.
      isAdmin: expect.any(Boolean),
      locale: null,
    })
    expect(Object.keys(res.body).sort()).toEqual(["token", "user"])
    expect((await me(bearer(res.body.token))).body.user).toEqual(res.body.user)
    const [row] = h.query<{ password_hash: string }>(
      "select password_hash from users where id = ?",
      res.body.user.id,
    )
    expect(row!.password_hash).toStartWith("$argon2id$")
    expect(row!.password_hash).not.toContain(PASSWORD)
  })

  test("a duplicate email is 409 CONFLICT, whatever its case, and adds no row", async () => {
    const email = freshEmail("dup")
    expect((await register({ email, password: PASSWORD })).status).toBe(201)
    const again = await register({ email: email.toUpperCase(), password: "another password" })
    expect(again.status).toBe(409)
    expect(again.body.error).toMatchObject({ code: "CONFLICT", field: "email" })
    expect(h.query("select id from users where email = ?", email.toLowerCase())).toHaveLength(1)
  })

  test.each([
    ["email", { email: "not-an-email", password: PASSWORD }],
    ["email", { password: PASSWORD }],
    ["email", { email: 42, password: PASSWORD }],
    ["password", { email: "weak@example.test", password: "short" }],
    ["password", { email: "weak@example.test" }],
    ["password", { email: "weak@example.test", password: "x".repeat(257) }],
    ["displayName", { email: "weak@example.test", password: PASSWORD, displayName: "x".repeat(101) }],
    ["displayName", { email: "weak@example.test", password: PASSWORD, displayName: "   " }],
  ])("400 BAD_REQUEST naming %s", async (field, body) => {
    const res = await register(body)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", field, message: expect.any(String) })
    expect(h.query("select id from users where email = 'weak@example.test'")).toEqual([])
  })

  test.each([
    ["not JSON", "{email:"],
    ["an empty body", ""],
    ["a JSON array", "[]"],
    ["JSON null", "null"],
  ])("400 BAD_REQUEST for %s", async (_, rawBody) => {
    const res = await api(h, "POST", "/api/auth/register", { rawBody })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe("BAD_REQUEST")
  })
})

describe("POST /api/auth/login and logout", () => {
  test("200 with user and token, and an HttpOnly SameSite=Lax cookie for / (not Secure over http)", async () => {
    const user = await signUp(h, "login")
    const res = await login({ email: user.email.toUpperCase(), password: "correct horse battery" })
    expect(res.status).toBe(200)
    expect(res.body.user).toEqual({
      id: user.id,
      email: user.email,
      displayName: "login",
      isAdmin: expect.any(Boolean),
      locale: null,
    })
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("token="))!
    expect(cookie.split(";")[0]).toBe(`token=${res.body.token}`)
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Lax/i)
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/)
    expect(cookie).not.toMatch(/;\s*Secure/i)
    expect(cookie).toMatch(/;\s*Max-Age=604800(;|$)/) // JWT_TTL's default, 7 days
    expect((await me({ cookie: `token=${res.body.token}` })).body.user.id).toBe(user.id)
  })

  test("the cookie is Secure behind an https proxy (x-forwarded-proto)", async () => {
    const user = await signUp(h, "secure")
    const res = await login({ email: user.email, password: PASSWORD }, { "x-forwarded-proto": "https" })
    expect(res.status).toBe(200)
    expect(res.headers.get("set-cookie")).toMatch(/;\s*Secure/i)
  })

  test("unknown email and wrong password give the same 401 body", async () => {
    const user = await signUp(h, "wrong")
    const unknown = await login({ email: freshEmail("nobody"), password: PASSWORD })
    const wrong = await login({ email: user.email, password: "not the password" })
    expect(unknown.status).toBe(401)
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(unknown.body.error.code).toBe("UNAUTHORIZED")
    expect(unknown.headers.get("set-cookie")).toBeNull()
  })

  test("logout clears the cookie", async () => {
    const res = await api(h, "POST", "/api/auth/logout")
    expect(res.status).toBe(200)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("token="))!
    expect(cookie).toMatch(/^token=;/)
    expect(cookie).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i)
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/)
  })
})

describe("GET /api/me", () => {
  test("with a Bearer token, with the cookie, and without either (401)", async () => {
    const user = await signUp(h, "me")
    const expected = { user: { id: user.id, email: user.email, displayName: "me" } }
    expect(await me(bearer(user.token))).toMatchObject({ status: 200, body: expected })
    expect(await me({ cookie: `other=1; token=${user.token}` })).toMatchObject({
      status: 200,
      body: expected,
    })
    const none = await me({})
    expect(none.status).toBe(401)
    expect(none.body.error.code).toBe("UNAUTHORIZED")
  })

  test("forged, expired, malformed and orphaned tokens are 401, each saying what is wrong", async () => {
    const user = await signUp(h, "bad")
    const ghost = await signUp(h, "ghost")
    expect(await writeDb(h, "delete from users where id = ?", ghost.id)).toBe(1)
    const cases = [
      ["missing", {}],
      ["forged", bearer(await forgedToken(user.id))],
      ["expired", bearer(await expiredToken(user.id))],
      ["malformed", bearer(MALFORMED_TOKEN)],
      ["malformed JWT", bearer("eyJub3QiOiJqc29uIn0.e30.c2ln")],
      ["deleted user", bearer(ghost.token)],
    ] as const
    const messages: string[] = []
    for (const [, headers] of cases) {
      const res = await me(headers)
      expect(res.status).toBe(401)
      expect(res.body.error.code).toBe("UNAUTHORIZED")
      messages.push(res.body.error.message)
    }
    expect(messages[0]).toMatch(/missing/i)
    expect(messages[1]).toMatch(/signature/i)
    expect(messages[2]).toMatch(/expired/i)
    expect(messages[3]).toMatch(/malformed/i)
    expect(messages[4]).toMatch(/malformed|invalid/i)
    expect(messages[5]).toMatch(/no longer exists/i)
    expect(new Set([messages[0], messages[1], messages[2], messages[3], messages[5]]).size).toBe(5)
  })
})

describe("the rest of the surface", () => {
  test("GET /healthz is 200", async () => {
    expect(await api(h, "GET", "/healthz")).toMatchObject({ status: 200, body: { ok: true } })
  })

  test("an unknown route is 404 with the NOT_FOUND envelope", async () => {
    for (const path of ["/nope", "/api/nope", "/api/auth/register/extra"]) {
      const res = await api(h, "GET", path)
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } })
    }
  })

  test("security headers are set on success and error answers alike", async () => {
    for (const path of ["/healthz", "/api/me", "/nope"]) {
      const { headers } = await api(h, "GET", path)
      expect(headers.get("x-content-type-options")).toBe("nosniff")
      expect(headers.get("x-frame-options")).toBe("SAMEORIGIN")
      expect(headers.get("referrer-policy")).toBe("no-referrer")
      expect(headers.get("strict-transport-security")).toContain("max-age=")
      expect(headers.get("content-type")).toContain("application/json")
    }
  })
})
