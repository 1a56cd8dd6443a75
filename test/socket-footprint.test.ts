/**
 * What keeps an idle socket small (issue 17): one listener shared by every socket, one timer for all
 * token expiries, a handshake trimmed to what is read after it. Each could stop working without any
 * protocol test noticing, only the memory.
 */
import { heapStats } from "bun:jsc"
import { expect, test } from "bun:test"
import type { ChatSocket } from "../src/contract.ts"
import { clientEvents } from "../src/schemas/events.ts"
import { createExpiries } from "../src/sockets/expiry.ts"
import { connect, signUpAll } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"

const h = useTestServer()

const serverSockets = () => [...h.server.io.of("/").sockets.values()] as ChatSocket[]

test("every socket has one listener for client events, the same function for all; every event answers", async () => {
  const [alice, bob] = await signUpAll(h, ["alice", "bob"])
  const sockets = await Promise.all([connect(h, alice), connect(h, alice), connect(h, bob)])
  const onServer = serverSockets()
  expect(onServer).toHaveLength(3)
  for (const s of onServer) {
    expect(s.listenersAny()).toHaveLength(1)
    expect(s.listenersAny()[0]).toBe(onServer[0]!.listenersAny()[0]!)
    // Only the lifecycle is listened to by name ("error" is Socket.IO's own no-op).
    expect(s.eventNames().sort()).toEqual(["disconnect", "disconnecting", "error"])
    expect(s.listeners("disconnect")).toEqual(onServer[0]!.listeners("disconnect"))
  }
  // Each event reaches its action: a refusal names the payload, never an unknown event.
  for (const event of Object.keys(clientEvents)) {
    const ack = await sockets[0]!.timeout(5000).emitWithAck(event, {})
    expect({ event, answered: typeof ack.ok }).toEqual({ event, answered: "boolean" })
    if (!ack.ok) expect(`${event}: ${ack.error.message}`).not.toMatch(/Unknown event/)
  }
  const unknown = await sockets[2]!.timeout(5000).emitWithAck("no_such_event", {})
  expect(unknown).toMatchObject({
    ok: false,
    error: { code: "BAD_REQUEST", message: 'Unknown event "no_such_event"' },
  })
})

test("a connected socket keeps its address, not the handshake's headers, query or token", async () => {
  const [carol] = await signUpAll(h, ["carol"])
  await connect(h, carol, { query: { token: carol.token, extra: "x" } })
  // The previous test's sockets may not all be gone yet on the server.
  const s = serverSockets().find((socket) => socket.data.user.id === carol.id)
  expect(s!.handshake.address).toBeTruthy()
  expect(s!.handshake.headers).toEqual({})
  expect(s!.handshake.query).toEqual({})
  expect(s!.handshake.auth).toEqual({})
  expect(JSON.stringify(s!.handshake)).not.toContain(carol.token)
  expect(JSON.stringify((s!.conn as unknown as { request: unknown }).request)).not.toContain(carol.token)
})

test("the engine keeps no handshake Request for an open session, and forgets a closed one", async () => {
  const engine = h.server.io.engine as unknown as { clients: Map<string, unknown> }
  const requests = () => {
    Bun.gc(true)
    return heapStats().objectTypeCounts.Request ?? 0
  }
  const [dave] = await signUpAll(h, ["dave"])
  await until(() => engine.clients.size === 0, 5000, "the earlier tests' sessions gone from the engine")
  const before = requests()
  const open = await Promise.all(Array.from({ length: 20 }, () => connect(h, dave)))
  expect(engine.clients.size).toBe(20)
  // Each session kept its handshake's Request (headers, URL) before: 20 more, not a stray one or two.
  expect(requests() - before).toBeLessThan(5)
  for (const s of open) s.close()
  await until(() => engine.clients.size === 0, 5000, "sessions gone from the engine")
})

test("one timer closes each item when its time comes; a forgotten one is not closed and nothing stays", async () => {
  const closed: string[] = []
  const expiries = createExpiries<string>((item) => closed.push(item))
  const now = Date.now()
  expiries.watch("soon", now + 50)
  expiries.watch("left early", now + 50)
  expiries.watch("next second", now + 1050)
  expiries.watch("beyond a timer's range", now + 2 ** 32)
  expiries.forget("left early", now + 50)
  expect(expiries.size).toBe(3)
  await until(() => closed.length === 2, 5000, "two expiries")
  expect(closed).toEqual(["soon", "next second"])
  expect(expiries.size).toBe(1)
  expiries.forget("beyond a timer's range", now + 2 ** 32)
  expect(expiries.size).toBe(0)
  expiries.stop()
})
