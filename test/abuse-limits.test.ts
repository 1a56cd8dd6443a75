/** Failed logins, registrations, new conversations and changes: each throttled with RATE_LIMITED and retryAfterMs. */
import { describe, expect, setSystemTime, test } from "bun:test"
import { api, connect, createConversation, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, until } from "./helpers/wait.ts"
import { QUICK_PASSWORD, quickUsers } from "./helpers/world.ts"

const h = useTestServer({
  TRUST_PROXY: "true",
  LOGIN_MAX_FAILURES: "3",
  LOGIN_SLOWDOWN_AFTER: "5",
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: "3",
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "5",
  RATE_LIMIT_CHANGES_PER_MINUTE: "5",
})

const PASSWORD = QUICK_PASSWORD
// Users written straight to the database: registration itself is throttled here.
const user = async (name: string) => (await quickUsers(h, [name]))[0]!
let address = 0
/** A client address of its own (through X-Forwarded-For: the server trusts its proxy here). */
const freshAddress = () => `198.51.100.${++address}`
const login = (user: TestUser, password: string, from: string) =>
  api(h, "POST", "/api/auth/login", {
    body: { email: user.email, password },
    headers: { "x-forwarded-for": from },
  })
function statuses(answers: { status: number }[]): Record<number, number> {
  const n: Record<number, number> = {}
  for (const a of answers) n[a.status] = (n[a.status] ?? 0) + 1
  return n
}

describe("failed logins", () => {
  test("60 simultaneous wrong passwords from one address: only LOGIN_MAX_FAILURES are checked", async () => {
    const target = await user("target")
    const from = freshAddress()
    const answers = await Promise.all(Array.from({ length: 60 }, () => login(target, "wrong guess", from)))
    expect(statuses(answers)).toEqual({ 401: 3, 429: 57 })
    const limited = answers.find((a) => a.status === 429)!
    expect(limited.body.error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) })
  })

  test("an address locked out of one account still logs in to others; the owner elsewhere is not locked out", async () => {
    const [victim, neighbour] = await Promise.all([user("victim"), user("neighbour")])
    const office = freshAddress()
    for (let i = 0; i < 3; i++) expect((await login(victim, `guess ${i}`, office)).status).toBe(401)
    expect((await login(victim, PASSWORD, office)).status).toBe(429)
    expect((await login(neighbour, PASSWORD, office)).status).toBe(200)
    expect((await login(victim, PASSWORD, freshAddress())).status).toBe(200)
  })

  test("per email, from any address: a delay that grows with each failure, then the owner gets in", async () => {
    const sprayed = await user("sprayed")
    // The server (in this process) reads the test's clock: held still while the guesses go in, then
    // moved on by the wait the server asks for. On the wall clock, a slow machine let the first wait
    // (1 s) pass before the owner's attempt arrived.
    let now = Date.now()
    const pass = (ms: number) => {
      now += ms
      setSystemTime(now)
    }
    setSystemTime(now)
    try {
      // Each guess from a new address: the per-address limit never applies, only the per-email delay.
      for (let i = 0; i < 5; i++)
        expect((await login(sprayed, `spray ${i}`, freshAddress())).status).toBe(401)
      const first = await login(sprayed, PASSWORD, freshAddress())
      expect([first.status, first.body.error.code]).toEqual([429, "RATE_LIMITED"])
      expect(first.body.error.retryAfterMs).toBeGreaterThan(0)
      pass(first.body.error.retryAfterMs) // the wait the server asked for
      expect((await login(sprayed, "spray again", freshAddress())).status).toBe(401)
      const second = await login(sprayed, PASSWORD, freshAddress())
      expect(second.status).toBe(429)
      expect(second.body.error.retryAfterMs).toBeGreaterThan(first.body.error.retryAfterMs)
      pass(second.body.error.retryAfterMs - 1)
      expect((await login(sprayed, PASSWORD, freshAddress())).status).toBe(429)
      pass(1)
      expect((await login(sprayed, PASSWORD, freshAddress())).status).toBe(200)
    } finally {
      setSystemTime()
    }
  })
})

describe("writes", () => {
  test("registrations per address: the rest are RATE_LIMITED and stored nowhere; another address may register", async () => {
    const from = freshAddress()
    const register = (i: number, ip: string) =>
      api(h, "POST", "/api/auth/register", {
        body: { email: `flood.${process.pid}.${i}@example.test`, password: PASSWORD },
        headers: { "x-forwarded-for": ip },
      })
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => register(i, from)))
    expect(statuses(answers)).toEqual({ 201: 3, 429: 47 })
    expect(answers.find((a) => a.status === 429)!.body.error.retryAfterMs).toBeGreaterThan(0)
    expect((await register(50, freshAddress())).status).toBe(201)
    const stored = h.query("select id from users where email like ?", `flood.${process.pid}.%`)
    expect(stored).toHaveLength(4)
  })

  test("new conversations per user: the victim hears of the allowed ones only", async () => {
    const [spammer, victim] = await Promise.all([user("spammer"), user("flooded")])
    const device = await connect(h, victim)
    const added: unknown[] = []
    device.on("conversation_added", (e) => added.push(e))
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api(h, "POST", "/api/conversations", { auth: spammer, body: { participantIds: [victim.id] } }),
      ),
    )
    expect(statuses(answers)).toEqual({ 201: 5, 429: 15 })
    expect(answers.find((a) => a.status === 429)!.body.error).toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: expect.any(Number),
    })
    await until(() => added.length === 5, 5000, "five conversation_added")
    expect(await nothingWithin(device, "conversation_added", 300)).toBe(true)
    expect(h.query("select id from conversations where created_by = ?", spammer.id)).toHaveLength(5)
  })

  test("renames and participant changes per user, over sockets and HTTP alike", async () => {
    const [admin, member, other] = await Promise.all([user("renamer"), user("m"), user("o")])
    const id = await createConversation(h, admin, [member])
    const s = await connect(h, admin)
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.emitWithAck("update_conversation", { conversationId: id, title: `t${i}` }),
      ),
    )
    expect(acks.filter((a) => a.ok)).toHaveLength(5)
    const refused = acks.find((a) => !a.ok)
    expect(refused.error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) })
    const add = await api(h, "POST", `/api/conversations/${id}/participants`, {
      auth: admin,
      body: { userIds: [other.id] },
    })
    expect([add.status, add.body.error?.code]).toEqual([429, "RATE_LIMITED"])
    expect(add.headers.get("retry-after")).toMatch(/^\d+$/)
    expect(
      h.query(
        "select user_id from conversation_participants where conversation_id = ? and user_id = ?",
        id,
        other.id,
      ),
    ).toEqual([])
  })
})
