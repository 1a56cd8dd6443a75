import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test"
import { networkInterfaces } from "node:os"
import { startupBanner } from "../src/cli/banner.ts"
import { createLogger } from "../src/ops/logger.ts"
import { VERSION } from "../src/ops/version.ts"
import { api, closeAll, connect, createConversation, join, signUp } from "./helpers/clients.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { waitFor } from "./helpers/wait.ts"

const METRICS_TOKEN = "metrics-token-0123456789abcdef"

/** The value of one sample in Prometheus text, or undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

let h: TestServer
const logLines: Record<string, unknown>[] = []
beforeAll(async () => {
  // Everything the server logs at info, as parsed JSON lines, to check what it never writes.
  const destination = { write: (line: string) => void logLines.push(JSON.parse(line)) }
  h = await startTestServer(
    { METRICS_TOKEN, RATE_LIMIT_MESSAGES_PER_SECOND: "0" },
    { logger: createLogger("info", { destination }) },
  )
})
afterEach(() => closeAll())
afterAll(() => h.stop())

const scrape = (token?: string) =>
  fetch(`${h.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })

describe("health", () => {
  test("/healthz and /readyz answer 200 while the database answers", async () => {
    expect((await api(h, "GET", "/healthz")).status).toBe(200)
    const ready = await api(h, "GET", "/readyz")
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ ok: true })
  })

  test("/readyz answers 503 once the database is gone, /healthz still 200", async () => {
    const other = await startTestServer()
    try {
      other.server.database.close()
      const ready = await api(other, "GET", "/readyz")
      expect(ready.status).toBe(503)
      expect(ready.body).toEqual({ ok: false })
      expect((await api(other, "GET", "/healthz")).status).toBe(200)
    } finally {
      await other.stop()
    }
  })
})

describe("/metrics", () => {
  test("needs the bearer token when METRICS_TOKEN is set", async () => {
    const none = await scrape()
    expect(none.status).toBe(401)
    expect(none.headers.get("www-authenticate")).toContain("Bearer")
    expect(((await none.json()) as any).error.code).toBe("UNAUTHORIZED")
    expect((await scrape("wrong-token-0123456789abcdef")).status).toBe(401)
    const ok = await scrape(METRICS_TOKEN)
    expect(ok.status).toBe(200)
    expect(ok.headers.get("content-type")).toContain("text/plain")
  })

  test("without METRICS_TOKEN, answers loopback only: not through a proxy, not from the network", async () => {
    const open = await startTestServer({ HOST: "0.0.0.0" })
    try {
      const local = `http://127.0.0.1:${open.server.port}/metrics`
      expect((await fetch(local)).status).toBe(200)
      for (const headers of [
        ["x-forwarded-for", "203.0.113.9"],
        ["forwarded", "for=203.0.113.9"],
      ] as [string, string][]) {
        const proxied = await fetch(local, { headers: [headers] })
        expect([proxied.status, ((await proxied.json()) as any).error.code]).toEqual([403, "FORBIDDEN"])
      }
      // The machine's own network address is not loopback: that request comes "from the network".
      const lan = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === "IPv4" && !i.internal)
      if (!lan) console.log("skipped the network-address case: this machine has no non-loopback IPv4 address")
      else expect((await fetch(`http://${lan.address}:${open.server.port}/metrics`)).status).toBe(403)
    } finally {
      await open.stop()
    }
  })

  test("counts sockets, rooms, messages, events by outcome, error codes and latencies", async () => {
    const [alice, bob] = await Promise.all(["alice", "bob"].map((n) => signUp(h, n)))
    const id = await createConversation(h, alice!, [bob!])
    const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(h, u)))
    await Promise.all([join(a!, id), join(b!, id)])
    const before = sample(await (await scrape(METRICS_TOKEN)).text(), "causerie_messages_stored_total") ?? 0

    const [ack] = await Promise.all([
      a!.emitWithAck("send_message", { conversationId: id, text: "counted" }),
      waitFor(b!, "new_message"),
    ])
    expect(ack.ok).toBe(true)
    const refused = await a!.emitWithAck("send_message", { conversationId: id })
    expect(refused.error.code).toBe("BAD_REQUEST")

    const text = await (await scrape(METRICS_TOKEN)).text()
    expect(sample(text, "causerie_connected_sockets")).toBe(2)
    expect(sample(text, "causerie_joined_rooms")).toBeGreaterThanOrEqual(1)
    expect(sample(text, "causerie_room_memberships")).toBeGreaterThanOrEqual(2)
    expect(sample(text, "causerie_messages_stored_total")).toBe(before + 1)
    expect(sample(text, 'causerie_socket_events_total{event="send_message",outcome="ok"}')).toBeGreaterThan(0)
    expect(sample(text, 'causerie_socket_events_total{event="send_message",outcome="BAD_REQUEST"}')).toBe(1)
    expect(sample(text, 'causerie_errors_total{code="BAD_REQUEST",source="socket"}')).toBe(1)
    expect(sample(text, 'causerie_socket_event_duration_seconds_count{event="join_conversation"}')).toBe(2)
    expect(sample(text, 'causerie_http_requests_total{method="POST",status="201"}')).toBeGreaterThan(0)
    expect(
      sample(text, 'causerie_db_query_duration_seconds_count{operation="batch",outcome="ok"}'),
    ).toBeGreaterThan(0)
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0)
    expect(sample(text, `causerie_build_info{version="${VERSION}"}`)).toBe(1)
    // The event loop is watched; the per-heap-space figures, a walk of the whole heap under Bun, are not taken.
    expect(sample(text, "causerie_event_loop_stall_seconds_count")).toBeGreaterThan(0)
    expect(text).toContain("causerie_event_loop_max_stall_seconds")
    expect(text).not.toContain("nodejs_heap_space_size")

    a!.close()
    const deadline = Date.now() + 5000
    while (sample(await (await scrape(METRICS_TOKEN)).text(), "causerie_connected_sockets") !== 1) {
      if (Date.now() > deadline) throw new Error("a closed socket is still counted")
      await Bun.sleep(20)
    }
  })

  test("each server counts on its own registry", async () => {
    const other = await startTestServer()
    try {
      const text = await (await fetch(`${other.url}/metrics`)).text()
      expect(sample(text, "causerie_messages_stored_total")).toBe(0)
      expect(sample(text, "causerie_connected_sockets")).toBe(0)
    } finally {
      await other.stop()
    }
  })
})

describe("logs", () => {
  test("one line per event with ids, outcome and duration; no token, password or text", async () => {
    const secretText = "a-very-private-message-text"
    const password = "a-very-private-password"
    const [alice, bob] = await Promise.all([signUp(h, "alice", password), signUp(h, "bob", password)])
    const id = await createConversation(h, alice, [bob])
    const a = await connect(h, alice)
    await join(a, id)
    const ack = await a.emitWithAck("send_message", { conversationId: id, text: secretText })
    expect(ack.ok).toBe(true)

    const sent = logLines.find(
      (l) => l.event === "send_message" && l.outcome === "ok" && l.userId === alice.id,
    )
    expect(sent).toMatchObject({ socketId: a.id, conversationId: id })
    expect(typeof sent?.ms).toBe("number")
    const http = logLines.find((l) => l.event === "http" && l.path === "/api/auth/register")
    expect(http).toMatchObject({ status: 201, requestId: expect.any(String), ms: expect.any(Number) })

    const all = JSON.stringify(logLines)
    for (const secret of [secretText, password, alice.token, bob.token]) expect(all).not.toContain(secret)
  })
})

describe("startup banner", () => {
  test("shows version, URL, database and how to stop; masks credentials and tokens", () => {
    const { fields, message } = startupBanner(
      {
        databaseUrl: "libsql://admin:hunter2@db.example.com:8080?authToken=tok-123&tls=1",
        databaseAuthToken: "database-auth-token-xyz",
        metricsToken: METRICS_TOKEN,
      },
      { url: "http://127.0.0.1:3001", version: "9.9.9" },
    )
    const shown = JSON.stringify(fields) + message
    for (const secret of ["hunter2", "admin", "tok-123", "database-auth-token-xyz", METRICS_TOKEN])
      expect(shown).not.toContain(secret)
    expect(fields.database).toBe("libsql://***@db.example.com:8080?authToken=***&tls=1")
    expect(message).toContain("9.9.9")
    expect(message).toContain("http://127.0.0.1:3001")
    expect(message).toContain("SIGTERM")
  })

  test("a file database is shown as its absolute path", () => {
    const { fields } = startupBanner({ databaseUrl: "file:./data/chat.db" }, { url: "u", version: "v" })
    expect(fields.database).toBe(`file:${process.cwd()}/data/chat.db`)
  })
})
