import { expect, test } from "bun:test"
import { api, connect, createConversation, join, signUp } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { collect, nothingWithin, until, waitFor } from "./helpers/wait.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

const published = () => (h.server.io.of("/").adapter as unknown as { published: number }).published

test("room broadcasts go through Bun's publish, with the seed's wire format, to WebSocket members", async () => {
  const [a, b, c] = await Promise.all(["pub", "sub", "out"].map((n) => signUp(h, n)))
  const id = await createConversation(h, a!, [b!, c!])
  const [sa, sb, sc] = await Promise.all([connect(h, a!), connect(h, b!), connect(h, c!)])
  await Promise.all([join(sa!, id), join(sb!, id)])
  const before = published()
  const [ack, got, own, outsider] = await Promise.all([
    sa!.emitWithAck("send_message", { conversationId: id, text: "native" }),
    waitFor(sb!, "new_message"),
    waitFor(sa!, "new_message"),
    nothingWithin(sc!, "new_message", 300),
  ])
  expect(published()).toBeGreaterThan(before)
  expect(got).toEqual({ conversationId: id, seq: ack.message.seq, message: ack.message })
  expect(own.message.id).toBe(ack.message.id)
  expect(outsider).toBe(true)
})

test("socket.to(room) still excludes the sender; leaving and removal unsubscribe at once", async () => {
  const [a, b, c] = await Promise.all(["x", "y", "z"].map((n) => signUp(h, n)))
  const id = await createConversation(h, a!, [b!, c!])
  const [sa, sb, sc] = await Promise.all([connect(h, a!), connect(h, b!), connect(h, c!)])
  await Promise.all([join(sa!, id), join(sb!, id)])
  const [seen, echo] = await Promise.all([
    waitFor(sa!, "user_joined"),
    nothingWithin(sc!, "user_joined", 200),
    join(sc!, id),
  ])
  expect(seen.user.id).toBe(c!.id)
  expect(echo).toBe(true)
  await sb!.emitWithAck("leave_conversation", { conversationId: id })
  await api(h, "DELETE", `/api/conversations/${id}/participants/${c!.id}`, { auth: a! })
  const [sent, left, removed] = await Promise.all([
    sa!.emitWithAck("send_message", { conversationId: id, text: "after" }),
    nothingWithin(sb!, "new_message", 300),
    nothingWithin(sc!, "new_message", 300),
  ])
  expect(sent.ok).toBe(true)
  expect([left, removed]).toEqual([true, true])
})

test("a member on long-polling, and one upgrading from it, receive every message in order", async () => {
  const [a, b, c] = await Promise.all(["ws", "poll", "upgrade"].map((n) => signUp(h, n)))
  const id = await createConversation(h, a!, [b!, c!])
  const sa = await connect(h, a!)
  const sb = await connect(h, b!, { transports: ["polling"] })
  const sc = await connect(h, c!, { transports: ["polling", "websocket"] })
  await Promise.all([join(sa, id), join(sb, id), join(sc, id)])
  const [gotB, gotC] = [collect(sb, "new_message"), collect(sc, "new_message")]
  const acks = []
  for (let i = 0; i < 30; i++)
    acks.push(await sa.emitWithAck("send_message", { conversationId: id, text: `m${i}` }))
  await until(() => gotB.length === 30 && gotC.length === 30, 10_000, "30 deliveries each")
  const ids = acks.map((x) => x.message.id)
  expect(gotB.map((m) => m.message.id)).toEqual(ids)
  expect(gotC.map((m) => m.message.id)).toEqual(ids)
  expect((sc.io.engine as unknown as { transport: { name: string } }).transport.name).toBe("websocket")
  // Once the last long-polling member is gone, the room publishes natively, upgraded member included.
  await sb.emitWithAck("leave_conversation", { conversationId: id })
  const before = published()
  const [last] = await Promise.all([
    sa.emitWithAck("send_message", { conversationId: id, text: "native again" }),
    until(() => gotC.length === 31, 5000, "the upgraded member's delivery"),
  ])
  expect(published()).toBe(before + 1)
  expect(gotC[30].message.id).toBe(last.message.id)
})
