/** A token authenticates only with its subject in the exact form the server issues. */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test"
import { sign } from "hono/jwt"
import { api, closeAll, connectError, signUp, socketFor, type TestUser } from "./helpers/clients.ts"
import { startTestServer, TEST_SECRET, type TestServer } from "./helpers/server.ts"

let h: TestServer
let user: TestUser
beforeAll(async () => {
  h = await startTestServer()
  user = await signUp(h, "subject")
})
afterEach(() => closeAll())
afterAll(() => h.stop())

const now = () => Math.floor(Date.now() / 1000)
const withSubject = (sub: unknown) =>
  sign({ sub, ver: 0, iat: now(), exp: now() + 600 } as never, TEST_SECRET, "HS256")

test("the issued form authenticates; look-alikes of the same id are refused over HTTP and sockets", async () => {
  const id = user.id
  const ok = await api(h, "GET", "/api/me", {
    headers: { authorization: `Bearer ${await withSubject(String(id))}` },
  })
  expect(ok.body.user?.id).toBe(id)
  for (const sub of [
    [String(id)],
    `0x${id.toString(16)}`,
    `${id}.0`,
    ` ${id} `,
    `${id}e0`,
    id,
    `0${id}`,
    `+${id}`,
  ]) {
    const token = await withSubject(sub)
    const res = await api(h, "GET", "/api/me", { headers: { authorization: `Bearer ${token}` } })
    expect([JSON.stringify(sub), res.status, res.body.error?.code]).toEqual([
      JSON.stringify(sub),
      401,
      "UNAUTHORIZED",
    ])
    const refused = await connectError(socketFor(h, { auth: { token } }))
    expect(refused.data?.code).toBe("UNAUTHORIZED")
  }
})
