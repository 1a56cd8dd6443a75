/** A send retried with its clientMessageId is stored and broadcast once, however it is retried. */
import { describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connect, connectAll, createConversation, join } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { collect, nothingWithin, waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()

const send = (s: Socket, payload: object) => s.timeout(5000).emitWithAck("send_message", payload)
const rowsWith = (clientMessageId: string) =>
  h.query("select id, seq, sender_id from messages where client_message_id = ?", clientMessageId)
const messageCount = () => h.query<{ n: number }>("select count(*) as n from messages")[0]!.n

/** alice and bob in a conversation with carol, who watches; alice's and carol's sockets joined. */
async function cast() {
  const [alice, bob, carol] = await quickUsers(h, ["alice", "bob", "carol"])
  const id = await createConversation(h, alice, [bob, carol])
  const [a, c] = await connectAll(h, [alice, carol])
  await Promise.all([join(a, id), join(c, id)])
  return { alice, bob, carol, id, a, c }
}

describe("idempotent sends", () => {
  test("over a socket: the retry gets the stored message back, duplicate, and nothing is broadcast", async () => {
    const { alice, id, a, c } = await cast()
    const [first, heard] = await Promise.all([
      send(a, { conversationId: id, text: "once", clientMessageId: "m-1" }),
      waitFor(c, "new_message"),
    ])
    expect(first).toMatchObject({
      ok: true,
      duplicate: false,
      message: { clientMessageId: "m-1", text: "once" },
    })
    expect(heard.message).toEqual(first.message)
    const a2 = await connect(h, alice)
    const [again, silent] = await Promise.all([
      send(a2, { conversationId: id, text: "once", clientMessageId: "m-1" }),
      nothingWithin(c, "new_message", 300),
    ])
    expect(again).toEqual({ ok: true, message: first.message, duplicate: true })
    expect(silent).toBe(true)
    expect(rowsWith("m-1")).toEqual([{ id: first.message.id, seq: first.message.seq, sender_id: alice.id }])
    // Without an id, the message says so.
    expect((await send(a, { conversationId: id, text: "plain" })).message.clientMessageId).toBeNull()
  })

  test("over HTTP: 201 then 200 with the same message, by body or Idempotency-Key, shared with the socket", async () => {
    const { alice, id, a, c } = await cast()
    const heard = collect(c, "new_message")
    const post = (body: object, headers: Record<string, string> = {}) =>
      api(h, "POST", `/api/conversations/${id}/messages`, { auth: alice, body, headers })
    const created = await post({ text: "by body", clientMessageId: "http-1" })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ duplicate: false, message: { clientMessageId: "http-1" } })
    const retried = await post({ text: "by body", clientMessageId: "http-1" })
    expect(retried).toMatchObject({ status: 200, body: { message: created.body.message, duplicate: true } })

    const keyed = await post({ text: "by header" }, { "idempotency-key": "key:2" })
    expect(keyed.status).toBe(201)
    expect(keyed.body.message.clientMessageId).toBe("key:2")
    expect((await post({ text: "by header" }, { "idempotency-key": "key:2" })).status).toBe(200)
    // The same id from the socket is the same send.
    expect(await send(a, { conversationId: id, text: "by header", clientMessageId: "key:2" })).toEqual({
      ok: true,
      message: keyed.body.message,
      duplicate: true,
    })
    expect(await nothingWithin(c, "new_message", 300)).toBe(true)
    expect(heard.map((e) => e.message.id)).toEqual([created.body.message.id, keyed.body.message.id])
    expect(rowsWith("http-1")).toHaveLength(1)
    expect(rowsWith("key:2")).toHaveLength(1)
  })

  test("the id is the sender's own: another sender may use it; reused for another conversation, CONFLICT", async () => {
    const { alice, carol, id, a, c } = await cast()
    const mine = await send(a, { conversationId: id, text: "alice's", clientMessageId: "shared" })
    const theirs = await send(c, { conversationId: id, text: "carol's", clientMessageId: "shared" })
    expect(theirs).toMatchObject({ ok: true, duplicate: false, message: { text: "carol's" } })
    expect(theirs.message.id).not.toBe(mine.message.id)

    const other = await createConversation(h, alice, [carol])
    const before = messageCount()
    const conflict = await send(a, { conversationId: other, text: "elsewhere", clientMessageId: "shared" })
    expect(conflict).toMatchObject({ ok: false, error: { code: "CONFLICT", field: "clientMessageId" } })
    const overHttp = await api(h, "POST", `/api/conversations/${other}/messages`, {
      auth: alice,
      body: { text: "elsewhere" },
      headers: { "idempotency-key": "shared" },
    })
    expect(overHttp).toMatchObject({
      status: 409,
      body: { error: { code: "CONFLICT", field: "clientMessageId" } },
    })
    expect(messageCount()).toBe(before)
  })

  test("a malformed clientMessageId is BAD_REQUEST naming it, over both paths; nothing stored", async () => {
    const { alice, id, a } = await cast()
    const before = messageCount()
    for (const bad of ["", "x".repeat(65), "has space", "é", "a/b", "a\u0000b", 42, null]) {
      const ack = await send(a, { conversationId: id, text: "hi", clientMessageId: bad })
      expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST", field: "clientMessageId" } })
      const res = await api(h, "POST", `/api/conversations/${id}/messages`, {
        auth: alice,
        body: { text: "hi", clientMessageId: bad },
      })
      expect(res).toMatchObject({
        status: 400,
        body: { error: { code: "BAD_REQUEST", field: "clientMessageId" } },
      })
    }
    const header = await api(h, "POST", `/api/conversations/${id}/messages`, {
      auth: alice,
      body: { text: "hi" },
      headers: { "idempotency-key": "no spaces allowed" },
    })
    expect(header).toMatchObject({ status: 400, body: { error: { field: "clientMessageId" } } })
    // The widest valid id.
    const widest = `${"A-z_0.9:".repeat(8)}`
    expect((await send(a, { conversationId: id, text: "hi", clientMessageId: widest })).ok).toBe(true)
    expect(messageCount()).toBe(before + 1)
  })

  test("the same id sent twice at once, on two sockets: one row, one broadcast, both answered with it", async () => {
    const { alice, id, a, c } = await cast()
    const a2 = await connect(h, alice)
    const heard = collect(c, "new_message")
    const payload = { conversationId: id, text: "racing", clientMessageId: "race" }
    const [one, two] = await Promise.all([send(a, payload), send(a2, payload), waitFor(c, "new_message")])
    expect(one.message).toEqual(two.message)
    expect([one.duplicate, two.duplicate].sort()).toEqual([false, true])
    expect(await nothingWithin(c, "new_message", 300)).toBe(true)
    expect(heard.map((e) => e.message.id)).toEqual([one.message.id])
    expect(rowsWith("race")).toHaveLength(1)
  })

  test("the acknowledgement lost with the connection: retried on a new socket and over HTTP, one row and one broadcast", async () => {
    const { alice, id, a, c } = await cast()
    const heard = collect(c, "new_message")
    const payload = { conversationId: id, text: "did it arrive?", clientMessageId: "lost-ack" }
    const stored = waitFor(c, "new_message")
    // The connection drops right after the emit: the server stores it, but its ack finds nobody.
    a.emit("send_message", payload, () => {
      throw new Error("the acknowledgement was expected to be lost")
    })
    a.disconnect()
    const original = (await stored).message

    const retry = await send(await connect(h, alice), payload)
    expect(retry).toEqual({ ok: true, message: original, duplicate: true })
    const overHttp = await api(h, "POST", `/api/conversations/${id}/messages`, {
      auth: alice,
      body: { text: payload.text },
      headers: { "idempotency-key": payload.clientMessageId },
    })
    expect(overHttp).toMatchObject({ status: 200, body: { message: original, duplicate: true } })
    for (const m of [retry.message, overHttp.body.message]) {
      expect([m.id, m.seq, m.createdAt]).toEqual([original.id, original.seq, original.createdAt])
    }
    expect(await nothingWithin(c, "new_message", 300)).toBe(true)
    expect(heard).toHaveLength(1)
    expect(rowsWith("lost-ack")).toEqual([{ id: original.id, seq: original.seq, sender_id: alice.id }])
  })
})
