import { afterEach, describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { closeAll, connect, createConversation, join, signUp } from "./helpers/clients.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { waitFor } from "./helpers/wait.ts"

afterEach(() => closeAll())

/** A server with two members of one conversation, both connected and joined. */
async function chatting(env: Record<string, string> = {}) {
  const h = await startTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0", ...env })
  const [alice, bob] = await Promise.all(["alice", "bob"].map((n) => signUp(h, n)))
  const id = await createConversation(h, alice!, [bob!])
  const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(h, u)))
  await Promise.all([join(a!, id), join(b!, id)])
  return { h, id, a: a!, b: b! }
}

type Outcome = { ok: true; message: { id: number; text: string } } | { ok: false; error: { code: string } }

/** Sends `text`; resolves with the acknowledgement, or "no ack" if the socket went away first. */
function send(s: Socket, conversationId: number, text: string): Promise<Outcome | "no ack"> {
  return new Promise((resolve) => {
    // A disconnected client would only buffer it; the acknowledgement timeout would say the same.
    if (!s.connected) return resolve("no ack")
    s.timeout(5000).emit("send_message", { conversationId, text }, (err: unknown, ack: Outcome) =>
      resolve(err ? "no ack" : ack),
    )
  })
}

const stored = (h: TestServer, conversationId: number) =>
  h.query<{ id: number; text: string }>(
    "SELECT id, text FROM messages WHERE conversation_id = ?",
    conversationId,
  )

describe("graceful stop", () => {
  test("every acknowledged message sent while stopping is stored; clients get server_shutdown", async () => {
    const { h, id, a, b } = await chatting()
    const notices = [waitFor(a, "server_shutdown"), waitFor(b, "server_shutdown")]
    const disconnected = [waitFor(a, "disconnect"), waitFor(b, "disconnect")]

    // A stream from both sides; the stop begins, server side, at the 50th message stored, while
    // more are in flight and more still arriving.
    let stopping: Promise<boolean> | undefined
    let count = 0
    h.server.services.bus.on("message_created", () => {
      if (++count === 50) stopping = h.server.stop()
    })
    const sends: Promise<Outcome | "no ack">[] = []
    for (let i = 0; i < 400; i++) {
      sends.push(send(i % 2 ? a : b, id, `m${i}`))
      if (i % 4 === 0) await Bun.sleep(0)
    }
    expect(await stopping).toBe(true)
    const outcomes = await Promise.all(sends)
    const [shutdownA, shutdownB] = await Promise.all(notices)
    await Promise.all(disconnected)

    expect(shutdownA).toEqual({ reconnectAfterMs: expect.any(Number) })
    expect(shutdownB).toEqual(shutdownA)
    const acked = outcomes.flatMap((o) => (o !== "no ack" && o.ok ? [o.message] : []))
    const refused = outcomes.flatMap((o) => (o !== "no ack" && !o.ok ? [o.error.code] : []))
    expect(acked.length).toBeGreaterThan(0)
    // Refusals are the clean kind: the client may resend elsewhere.
    expect(new Set(refused)).toEqual(refused.length ? new Set(["UNAVAILABLE"]) : new Set())
    const rows = stored(h, id)
    const byId = new Map(rows.map((r) => [r.id, r.text]))
    for (const m of acked) expect(byId.get(m.id)).toBe(m.text)
    await h.stop()
  })

  test("while a stop waits on work in flight, a new message is refused with UNAVAILABLE, not lost", async () => {
    const { h, id, a } = await chatting({ SHUTDOWN_TIMEOUT_MS: "1500" })
    const held = await holdRequest(h)
    const notice = waitFor(a, "server_shutdown")
    const stopping = h.server.stop()
    await notice
    const late = await send(a, id, "too late")
    expect(late).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } })
    // Neither new requests nor readiness while stopping: a fresh connection is refused, or a
    // kept-alive one answered 503.
    const ready = await fetch(`${h.url}/readyz`).catch(() => undefined)
    if (ready) expect(ready.status).toBe(503)
    expect(await stopping).toBe(false) // the held request ran out the clock
    expect(stored(h, id).map((r) => r.text)).not.toContain("too late")
    await held.done
    await h.stop()
  })

  test("a stop with nothing in flight is clean, and the port is closed afterwards", async () => {
    const { h } = await chatting()
    expect(await h.server.stop()).toBe(true)
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow()
    await h.stop()
  })

  test("work that never ends cannot hold the stop past SHUTDOWN_TIMEOUT_MS", async () => {
    const { h } = await chatting({ SHUTDOWN_TIMEOUT_MS: "300" })
    const held = await holdRequest(h)
    const started = performance.now()
    expect(await h.server.stop()).toBe(false)
    expect(performance.now() - started).toBeLessThan(1500)
    await held.done
    await h.stop()
  })
})

/** An HTTP request kept in flight: its body never ends. `done` settles when the server drops it. */
async function holdRequest(h: TestServer): Promise<{ done: Promise<unknown> }> {
  const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"email":')) })
  const done = fetch(`${h.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit).catch(() => undefined)
  await Bun.sleep(100) // nothing to wait for: the server gives no sign that a request has begun
  return { done }
}
