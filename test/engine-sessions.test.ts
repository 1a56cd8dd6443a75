/** Engine.IO sessions that have not authenticated are capped per address and in total, and expire quickly. */
import { beforeAll, expect, test } from "bun:test"
import { connect, connectError, socketFor, type TestUser } from "./helpers/clients.ts"
import { startTestServer } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer({
  TRUST_PROXY: "true",
  MAX_PENDING_SESSIONS_PER_ADDRESS: "5",
  MAX_PENDING_SESSIONS: "8",
  // Long enough that the flood below is still pending when the late socket comes (test 3 has its own).
  PENDING_SESSION_TIMEOUT_MS: "30000",
})
let user: TestUser
beforeAll(async () => {
  ;[user] = (await quickUsers(h, ["holder"])) as [TestUser]
})

/** An anonymous long-polling handshake, as a flood sends them. */
const handshake = (from: string, query = "", url = h.url) =>
  fetch(`${url}/socket.io/?EIO=4&transport=polling${query}`, { headers: { "x-forwarded-for": from } })
const sidOf = async (res: Response) => JSON.parse((await res.text()).slice(1)).sid as string
const statuses = (all: Response[]) => all.map((r) => r.status).sort()

test("a socket that authenticates leaves the pending count at once", async () => {
  // One after another from one address: ten sockets through a per-address cap of five.
  for (let i = 0; i < 10; i++) expect((await connect(h, user)).connected).toBe(true)
})

test("anonymous handshakes are capped per address and in total; a token in the query or cookie passes", async () => {
  const first = await Promise.all(Array.from({ length: 20 }, () => handshake("203.0.113.1")))
  expect(statuses(first)).toEqual([...Array(5).fill(200), ...Array(15).fill(429)])
  const refused = first.find((r) => r.status === 429)!
  expect(((await refused.json()) as any).error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 30000 })
  // Another address has its own share, up to the total of 8.
  const second = await Promise.all(Array.from({ length: 5 }, () => handshake("203.0.113.2")))
  expect(statuses(second)).toEqual([200, 200, 200, 429, 429])
  // Authenticated before the session exists: not pending, never refused by the caps.
  const viaQuery = await handshake("203.0.113.1", `&token=${user.token}`)
  expect(viaQuery.status).toBe(200)
  const s = socketFor(h, {
    transports: ["polling"],
    extraHeaders: { "x-forwarded-for": "203.0.113.1", cookie: `token=${user.token}` },
  })
  await new Promise<void>((resolve, reject) => {
    s.once("connect", () => resolve())
    s.once("connect_error", reject)
  })
  // A token sent only in the Socket.IO connect packet arrives too late to skip the queue.
  const late = socketFor(h, {
    transports: ["polling"],
    auth: { token: user.token },
    extraHeaders: { "x-forwarded-for": "203.0.113.1" },
  })
  expect(await connectError(late).then((e) => e.message)).toMatch(/xhr poll error|429/i)
})

test("an anonymous session that does not authenticate is closed quickly, and its slot is free again", async () => {
  const quick = await startTestServer({
    MAX_PENDING_SESSIONS_PER_ADDRESS: "1",
    PENDING_SESSION_TIMEOUT_MS: "300",
  })
  try {
    const res = await handshake("", "", quick.url)
    expect(res.status).toBe(200)
    const sid = await sidOf(res)
    // Polling on the session: answered while it lives, 400 (unknown sid) once the server closed it.
    let status = 200
    for (const deadline = Date.now() + 10_000; status !== 400 && Date.now() < deadline; ) {
      const poll = await fetch(`${quick.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`)
      await poll.text()
      status = poll.status
    }
    expect(status).toBe(400)
    // Its slot is free again: the per-address cap of one lets the next handshake in.
    expect((await handshake("", "", quick.url)).status).toBe(200)
  } finally {
    await quick.stop()
  }
})
