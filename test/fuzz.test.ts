/**
 * Property-based fuzzing: thousands of hostile payloads to every socket event and HTTP route. The
 * server must answer each with a documented code, stay up, keep serving two bystanders, and leave
 * the database consistent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import fc from "fast-check"
import type { Socket } from "socket.io-client"
import { createLogger } from "../src/ops/logger.ts"
import { body, emitArgs, query, rawPacket, segment, weird } from "./helpers/arbitraries.ts"
import { type Chatter, startChatter } from "./helpers/chatter.ts"
import {
  api,
  closeAll,
  connect,
  createConversation,
  join,
  signUp,
  socketFor,
  type TestUser,
} from "./helpers/clients.ts"
import { DOCUMENTED, expectDocumentedAck, fetchDocumented } from "./helpers/documented.ts"
import { INVARIANTS } from "./helpers/invariants.ts"
import { EVENTS, ROUTES } from "./helpers/protocol.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { expiredToken, forgedToken, tokenFor, writeDb } from "./helpers/tokens.ts"
import { collect, waitFor } from "./helpers/wait.ts"

/** Runs per event or route; FUZZ_RUNS widens a run, FUZZ_SEED replays one that failed. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400)
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined
const settings = (numRuns: number) => ({ numRuns, seed: SEED, verbose: 1 as const })

let h: TestServer
let fuzzer: TestUser
let httpFuzzer: TestUser
let fz: Socket
let chatters: Chatter[] = []
let fuzzErrors: { code: string }[] = []
const fuzzDisconnects: string[] = []
/** Error-level lines the server logs: any unexpected error, answered or not, ends up here. */
const serverErrors: string[] = []

beforeAll(async () => {
  // Throttles off: RATE_LIMITED everywhere would hide the answers under test.
  const env = {
    RATE_LIMIT_MESSAGES_PER_SECOND: "0",
    RATE_LIMIT_JOINS_PER_SECOND: "0",
    RATE_LIMIT_TYPING_PER_SECOND: "0",
    LOGIN_MAX_FAILURES: "0",
    // The raw-packet property opens a socket per run.
    MAX_CONNECTIONS_PER_USER: "1000",
  }
  const logger = createLogger("error", { destination: { write: (line: string) => serverErrors.push(line) } })
  h = await startTestServer(env, { logger })
  const names = ["alice", "bob", "fuzzer", "httpfuzzer", "m1", "m2", "m3"] as const
  // Alice first: the first account becomes the server's admin, and a fuzzer that were the admin would
  // disable, reset or delete the other accounts by id (the bystanders', its own socket twin's).
  const first = [names[0], await signUp(h, names[0])] as const
  const signed = [
    first,
    ...(await Promise.all(names.slice(1).map(async (n) => [n, await signUp(h, n)] as const))),
  ]
  type Cast = Record<(typeof names)[number], TestUser>
  const { alice, bob, m1, m2, m3, ...rest } = Object.fromEntries(signed) as Cast
  ;[fuzzer, httpFuzzer] = [rest.fuzzer, rest.httpfuzzer]
  // Alice and Bob's conversation is foreign to both fuzzers; each fuzzer administers a group,
  // belongs to another, and has a direct conversation.
  const ab = await createConversation(h, alice, [bob])
  const direct = async (owner: TestUser, other: TestUser) =>
    (
      await api(h, "POST", "/api/conversations", {
        auth: owner,
        body: { type: "direct", participantIds: [other.id] },
      })
    ).body.id as number
  const seeded: [number, TestUser][] = [
    [await createConversation(h, fuzzer, [m1, m2]), fuzzer],
    [await createConversation(h, m1, [fuzzer, m2]), m1],
    [await createConversation(h, httpFuzzer, [m1, m3]), httpFuzzer],
    [await direct(fuzzer, m2), m2],
    [await direct(httpFuzzer, m3), m3],
  ]
  // A first message in each, so that replies and read receipts have targets.
  for (const [id, sender] of seeded)
    await api(h, "POST", `/api/conversations/${id}/messages`, { auth: sender, body: { text: "seed" } })
  const [a, b] = await Promise.all([connect(h, alice), connect(h, bob)])
  await Promise.all([join(a, ab), join(b, ab)])
  chatters = [startChatter(a, b, ab), startChatter(b, a, ab)]
  fz = await connect(h, fuzzer)
  fuzzErrors = collect(fz, "error")
  fz.on("disconnect", (reason) => fuzzDisconnects.push(reason))
})
afterAll(async () => {
  closeAll()
  await h.stop()
})

/** Over the frame limit (64 KiB by default) a socket is cut on purpose: that has its own test below. */
const fitsInAFrame = (args: unknown[]) => Buffer.byteLength(JSON.stringify(args) ?? "") < 60_000

describe("socket events", () => {
  test.each(EVENTS)(
    "%s: every payload, with or without an ack, gets a documented answer",
    async (event, keys) => {
      await fc.assert(
        fc.asyncProperty(emitArgs(keys), fc.boolean(), async (args, withAck) => {
          fc.pre(fitsInAFrame(args))
          if (!withAck) fz.emit(event, ...args)
          else expectDocumentedAck(await fz.timeout(5000).emitWithAck(event, ...args))
        }),
        settings(RUNS),
      )
      // One more round trip, so that the unacknowledged ones have been answered too.
      expectDocumentedAck(await fz.timeout(5000).emitWithAck("leave_conversation", { conversationId: 1 }))
      expect(fuzzDisconnects).toEqual([])
      expect(fuzzErrors.filter((e) => !DOCUMENTED.includes(e.code))).toEqual([])
    },
  )

  test("a handshake with any auth payload or query token is refused with UNAUTHORIZED", async () => {
    const handshake = fc.oneof(
      fc.record({ auth: fc.dictionary(fc.constantFrom("token", "userId", "__proto__"), weird) }),
      fc.record({
        query: fc.record({ token: fc.oneof(fc.string(), fc.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/)) }),
      }),
    )
    await fc.assert(
      fc.asyncProperty(handshake, async (options) => {
        fc.pre(fitsInAFrame([options]))
        const s = socketFor(h, options)
        let timer: Timer | undefined
        const outcome = await new Promise<unknown>((resolve) => {
          s.once("connect", () => resolve("connected"))
          s.once("connect_error", (err: any) => resolve(err.data))
          s.once("disconnect", (reason) => resolve(reason))
          timer = setTimeout(() => resolve("no answer within 5 s"), 5000)
        })
        clearTimeout(timer)
        s.close()
        if ((outcome as any)?.code !== "UNAUTHORIZED")
          throw new Error(`refused with ${JSON.stringify(outcome)}`)
      }),
      settings(Math.ceil(RUNS / 2)),
    )
  })

  test("a raw packet of any shape is answered, ignored, or closes only its own socket", async () => {
    await fc.assert(
      fc.asyncProperty(rawPacket, async (packet) => {
        const s = await connect(h, fuzzer)
        s.io.engine.write(packet)
        // A protocol error cuts this socket; anything else leaves it answering.
        const outcome = await new Promise<any>((resolve) => {
          s.once("disconnect", (reason) => resolve({ cut: reason }))
          s.timeout(2000)
            .emitWithAck("leave_conversation", { conversationId: 1 })
            .then(resolve, (err) => resolve({ noAnswer: String(err) }))
        })
        s.close()
        if (!outcome.cut) expectDocumentedAck(outcome)
      }),
      settings(Math.ceil(RUNS / 2)),
    )
    expect(fz.connected).toBe(true)
  })

  test("a frame over the size limit closes only the socket that sent it", async () => {
    const s = await connect(h, fuzzer)
    const closed = waitFor(s, "disconnect")
    s.emit("send_message", { conversationId: 2, text: "x".repeat(70_000) })
    await closed
    expect(fz.connected).toBe(true)
  })
})

/** A valid token for `user`, whatever logout-all or a password change did before. */
function liveToken(user: TestUser): Promise<string> {
  const [row] = h.query<{ v: number }>("select token_version as v from users where id = ?", user.id)
  return tokenFor(user.id, { ver: row!.v })
}

const auth = fc.oneof(
  { weight: 6, arbitrary: fc.constant("bearer") },
  { weight: 1, arbitrary: fc.constantFrom("none", "junk", "forged", "expired", "foreign-cookie") },
)

async function headersFor(kind: string): Promise<Record<string, string>> {
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` })
  if (kind === "bearer") return bearer(await liveToken(httpFuzzer))
  if (kind === "junk") return { authorization: "Bearer a.b.c" }
  if (kind === "forged") return bearer(await forgedToken(httpFuzzer.id))
  if (kind === "expired") return bearer(await expiredToken(httpFuzzer.id))
  if (kind === "foreign-cookie")
    return { cookie: `token=${await liveToken(httpFuzzer)}`, origin: "https://evil.example" }
  return {}
}

/** Sends one fuzzed request; its answer must be documented JSON, never a 500. */
async function send(
  method: string,
  path: string,
  r: { body: { contentType?: string; body?: any }; auth: string },
) {
  const headers = await headersFor(r.auth)
  const hasBody = method !== "GET" && r.body.body !== undefined
  if (hasBody && r.body.contentType) headers["content-type"] = r.body.contentType
  await fetchDocumented(`${h.url}${path}`, { method, headers, body: hasBody ? r.body.body : undefined })
}

describe("HTTP routes", () => {
  test.each(ROUTES)("%s: every request gets documented JSON", async (route, keys) => {
    const [method, template] = route.split(" ") as [string, string]
    // Password hashing makes the account routes slow: fewer runs there.
    const runs = template.startsWith("/api/auth/") && keys.length ? Math.ceil(RUNS / 3) : RUNS
    const request = fc.record({ id: segment, userId: segment, query, body: body(keys), auth })
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = template.replace(":id", r.id).replace(":userId", r.userId).replace(":emoji", r.userId)
        const qs = new URLSearchParams(r.query).toString()
        await send(method, qs ? `${path}?${qs}` : path, r)
      }),
      settings(runs),
    )
  })

  test("unknown routes and methods get documented JSON too", async () => {
    const request = fc.record({
      method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
      segments: fc.array(fc.oneof(segment, fc.constantFrom("api", "conversations", "auth", "messages")), {
        maxLength: 5,
      }),
      body: body(["conversationId"]),
      auth,
    })
    await fc.assert(
      fc.asyncProperty(request, (r) => {
        const path = `/api/${r.segments.join("/")}`
        // fetch resolves dot segments (`%2e%2e` too): a path that leaves /api is not an API request (it
        // may be the web client's page at /).
        fc.pre(new URL(path, h.url).pathname.startsWith("/api/"))
        return send(r.method, path, r)
      }),
      settings(RUNS),
    )
  })
})

describe("afterwards", () => {
  test("the bystanders received every message they sent each other, in order", async () => {
    for (const chatter of chatters) {
      const { sent, received } = await chatter.stop()
      expect(sent.length).toBeGreaterThan(20)
      expect(received).toEqual(sent)
    }
  })

  test("the process is up, nothing unexpected was logged, no prototype was polluted", async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200)
    const fresh = await connect(h, fuzzer)
    expectDocumentedAck(await fresh.timeout(5000).emitWithAck("join_conversation", { conversationId: 2 }))
    expect(fz.connected).toBe(true)
    expect(serverErrors).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test.each(INVARIANTS)("database: %s", (_, sql) => {
    expect(h.query(sql)).toEqual([])
  })

  test("database: the search index agrees with the messages it indexes", async () => {
    // A search first indexes every committed message; then FTS5 checks its index against the content
    // table and fails the statement otherwise.
    expect((await api(h, "GET", "/api/search?q=seed", { auth: fuzzer })).status).toBe(200)
    await writeDb(h, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
  })
})
