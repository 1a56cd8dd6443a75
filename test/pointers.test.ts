/** Read and delivered pointers: forward only, never past the last seq, told to the room, coalesced. */
import { describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connectAll, createConversation, join, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { collect, nothingWithin, until, waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()

const emit = (s: Socket, event: string, payload: object) => s.timeout(5000).emitWithAck(event, payload)
const pointersOf = (id: number, user: TestUser) =>
  h.query(
    "select read_seq as readSeq, delivered_seq as deliveredSeq from conversation_participants where conversation_id = ? and user_id = ?",
    id,
    user.id,
  )[0]

/** alice and bob in a conversation (seq 1: bob added) where alice said `count` things (seq 2, 3, ...). */
async function conversationWith(count: number) {
  const [alice, bob, eve] = await quickUsers(h, ["alice", "bob", "eve"])
  const id = await createConversation(h, alice, [bob])
  for (let n = 0; n < count; n++)
    await api(h, "POST", `/api/conversations/${id}/messages`, { auth: alice, body: { text: `m${n}` } })
  const [a, b, e] = await connectAll(h, [alice, bob, eve])
  await Promise.all([join(a, id), join(b, id)])
  return { alice, bob, eve, id, a, b, e }
}

describe("pointers", () => {
  test("mark_read and mark_delivered move forward only, never past the last seq; reading delivers", async () => {
    await conversationWith(3) // another conversation's messages are not this one's unread
    const { bob, id, b } = await conversationWith(4) // last seq 5
    expect(await emit(b, "mark_delivered", { conversationId: id, seq: 3 })).toEqual({
      ok: true,
      conversationId: id,
      deliveredSeq: 3,
    })
    expect(await emit(b, "mark_read", { conversationId: id, seq: 2 })).toEqual({
      ok: true,
      conversationId: id,
      readSeq: 2,
      unreadCount: 3,
    })
    expect(pointersOf(id, bob)).toEqual({ readSeq: 2, deliveredSeq: 3 })
    // Backwards: nothing moves.
    expect(await emit(b, "mark_read", { conversationId: id, seq: 1 })).toMatchObject({
      readSeq: 2,
      unreadCount: 3,
    })
    expect(await emit(b, "mark_delivered", { conversationId: id, seq: 0 })).toMatchObject({ deliveredSeq: 3 })
    expect(pointersOf(id, bob)).toEqual({ readSeq: 2, deliveredSeq: 3 })
    // Past the end: up to the last seq, no further.
    expect(await emit(b, "mark_delivered", { conversationId: id, seq: 999 })).toMatchObject({
      deliveredSeq: 5,
    })
    expect(await emit(b, "mark_read", { conversationId: id, seq: 999 })).toMatchObject({
      readSeq: 5,
      unreadCount: 0,
    })
    expect(pointersOf(id, bob)).toEqual({ readSeq: 5, deliveredSeq: 5 })
  })

  test("over HTTP: the same answers; refusals for strangers, missing conversations and bad seqs", async () => {
    const { bob, eve, id } = await conversationWith(2) // last seq 3
    const post = (user: TestUser, path: string, body: unknown, conversationId = id) =>
      api(h, "POST", `/api/conversations/${conversationId}/${path}`, { auth: user, body })
    expect(await post(bob, "delivered", { seq: 2 })).toMatchObject({
      status: 200,
      body: { conversationId: id, deliveredSeq: 2 },
    })
    expect(await post(bob, "read", { seq: 9 })).toMatchObject({
      status: 200,
      body: { conversationId: id, readSeq: 3, unreadCount: 0 },
    })
    expect(pointersOf(id, bob)).toEqual({ readSeq: 3, deliveredSeq: 3 })
    for (const path of ["read", "delivered"]) {
      expect(await post(eve, path, { seq: 1 })).toMatchObject({
        status: 403,
        body: { error: { code: "FORBIDDEN" } },
      })
      expect(await post(bob, path, { seq: 1 }, 987_654)).toMatchObject({ status: 404 })
      for (const body of [{ seq: -1 }, { seq: 1.5 }, { seq: "2" }, {}])
        expect(await post(bob, path, body)).toMatchObject({
          status: 400,
          body: { error: { code: "BAD_REQUEST", field: "seq" } },
        })
    }
    // Gone from the conversation, gone its pointers.
    await api(h, "POST", `/api/conversations/${id}/leave`, { auth: bob })
    expect(await post(bob, "read", { seq: 1 })).toMatchObject({ status: 403 })
  })

  test("the room and my other devices hear read_up_to and delivered_up_to; a stranger does not", async () => {
    const { bob, id, a, b, e } = await conversationWith(3)
    const [laptop] = await connectAll(h, [bob]) // not joined: hears it in the personal room
    const moved = { conversationId: id, userId: bob.id, seq: 3 }
    const [, read, delivered, own, leaked] = await Promise.all([
      emit(b, "mark_read", { conversationId: id, seq: 3 }),
      waitFor(a, "read_up_to"),
      waitFor(a, "delivered_up_to"),
      waitFor(laptop, "read_up_to"),
      nothingWithin(e, "read_up_to", 300),
    ])
    expect([read, delivered, own]).toEqual([moved, moved, moved])
    expect(leaked).toBe(true)
    // A move that moves nothing tells nobody.
    const [, silent] = await Promise.all([
      emit(b, "mark_read", { conversationId: id, seq: 2 }),
      nothingWithin(a, "read_up_to", 400),
    ])
    expect(silent).toBe(true)
  })

  test("mark_message_read: message_read as before, and the read pointer up to that message", async () => {
    const { bob, id, a, b } = await conversationWith(0)
    const first = await emit(a, "send_message", { conversationId: id, text: "one" })
    const second = await emit(a, "send_message", { conversationId: id, text: "two" })
    const [ack, receipt, pointer] = await Promise.all([
      emit(b, "mark_message_read", { messageId: second.message.id }),
      waitFor(a, "message_read"),
      waitFor(a, "read_up_to"),
    ])
    const expected = {
      conversationId: id,
      messageId: second.message.id,
      userId: bob.id,
      readAt: receipt.readAt,
    }
    expect(receipt).toEqual(expected)
    expect(ack).toEqual({ ok: true, ...expected, duplicate: false })
    expect(pointer).toEqual({ conversationId: id, userId: bob.id, seq: second.message.seq })
    // An older message: its receipt as before, the pointer stays.
    const [older] = await Promise.all([
      waitFor(a, "message_read"),
      emit(b, "mark_message_read", { messageId: first.message.id }),
    ])
    expect(older.messageId).toBe(first.message.id)
    expect(pointersOf(id, bob)).toEqual({ readSeq: second.message.seq, deliveredSeq: second.message.seq })
  })

  test("coalesced: three quick moves reach the room as the first at once and the last soon after, not all three", async () => {
    const { id, a, b } = await conversationWith(3) // seqs 2, 3, 4
    const reads = collect(a, "read_up_to")
    const deliveries = collect(a, "delivered_up_to")
    await Promise.all([2, 3, 4].map((seq) => emit(b, "mark_read", { conversationId: id, seq })))
    await until(() => reads.at(-1)?.seq === 4 && deliveries.at(-1)?.seq === 4, 2000, "the latest move")
    expect(await nothingWithin(a, "read_up_to", 600)).toBe(true)
    expect(reads.map((r) => r.seq)).toEqual([2, 4])
    expect(deliveries.map((r) => r.seq)).toEqual([2, 4])
  })
})
