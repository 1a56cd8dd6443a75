/** Unread counts stay right across one user's devices, across a restart, and after a member leaves. */
import { describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, closeAll, connectAll, createConversation, join, type TestUser } from "./helpers/clients.ts"
import { lastSeqOf } from "./helpers/sequence.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()

const emit = (s: Socket, event: string, payload: object) => s.timeout(5000).emitWithAck(event, payload)
const say = async (server: TestServer, user: TestUser, id: number, text: string, clientMessageId?: string) =>
  (
    await api(server, "POST", `/api/conversations/${id}/messages`, {
      auth: user,
      body: { text, clientMessageId },
    })
  ).body.message
/** My list, as `{ [conversationId]: {lastSeq, readSeq, unreadCount} }`. */
async function counts(server: TestServer, user: TestUser) {
  const { body } = await api(server, "GET", "/api/conversations", { auth: user })
  return Object.fromEntries(
    body.conversations.map((c: any) => [
      c.id,
      { lastSeq: c.lastSeq, readSeq: c.readSeq, unreadCount: c.unreadCount },
    ]),
  )
}

describe("unread counts", () => {
  test("one user on two devices: a read on the phone updates the list, and the laptop hears it", async () => {
    const [alice, bob, carol] = await quickUsers(h, ["alice", "bob", "carol"])
    const id = await createConversation(h, alice, [bob, carol]) // seqs 1, 2
    const other = await createConversation(h, alice, [bob]) // seq 1
    await say(h, alice, other, "elsewhere")
    const mine = [await say(h, alice, id, "a1"), await say(h, alice, id, "a2"), await say(h, alice, id, "a3")]
    await say(h, carol, id, "c1")
    expect(await counts(h, bob)).toEqual({
      [id]: { lastSeq: 6, readSeq: 0, unreadCount: 4 },
      [other]: { lastSeq: 2, readSeq: 0, unreadCount: 1 },
    })

    const [phone, laptop, a] = await connectAll(h, [bob, bob, alice])
    await Promise.all([join(phone, id), join(a, id)]) // the laptop has not joined: its personal room
    const moved = { conversationId: id, userId: bob.id, seq: mine[1]!.seq }
    const [ack, heardOnLaptop, heardByAlice] = await Promise.all([
      emit(phone, "mark_read", { conversationId: id, seq: mine[1]!.seq }),
      waitFor(laptop, "read_up_to"),
      waitFor(a, "read_up_to"),
    ])
    expect(ack).toEqual({ ok: true, conversationId: id, readSeq: 4, unreadCount: 2 })
    expect([heardOnLaptop, heardByAlice]).toEqual([moved, moved])
    expect(await counts(h, bob)).toEqual({
      [id]: { lastSeq: 6, readSeq: 4, unreadCount: 2 },
      [other]: { lastSeq: 2, readSeq: 0, unreadCount: 1 },
    })
    // The laptop's sync says the same, and so does everyone's view of bob's ticks.
    const synced = await emit(laptop, "sync", { conversations: { [id]: 6 } })
    expect(synced.conversations[0]).toMatchObject({ readSeq: 4, deliveredSeq: 4, unreadCount: 2, lastSeq: 6 })
    const seen = (await api(h, "GET", "/api/conversations", { auth: alice })).body.conversations
    const bobThere = seen.find((c: any) => c.id === id).participants.find((p: any) => p.id === bob.id)
    expect(bobThere).toMatchObject({ readSeq: 4, deliveredSeq: 4 })

    // One has read what one answers: a reply from the laptop takes bob's pointers to it.
    const reply = await emit(laptop, "send_message", { conversationId: id, text: "answering" })
    expect(reply.message.seq).toBe(7)
    expect(await counts(h, bob)).toEqual({
      [id]: { lastSeq: 7, readSeq: 7, unreadCount: 0 },
      [other]: { lastSeq: 2, readSeq: 0, unreadCount: 1 },
    })
  })

  test("across a restart: pointers and counts as they were; a retried send is still a duplicate", async () => {
    const before = await startTestServer()
    const [alice, bob] = await quickUsers(before, ["alice", "bob"])
    const id = await createConversation(before, alice, [bob]) // seq 1
    const first = await say(before, alice, id, "one", "r-1")
    await say(before, alice, id, "two")
    await say(before, alice, id, "three")
    await api(before, "POST", `/api/conversations/${id}/read`, { auth: bob, body: { seq: first.seq } })
    await api(before, "POST", `/api/conversations/${id}/delivered`, { auth: bob, body: { seq: 3 } })
    expect(await counts(before, bob)).toEqual({ [id]: { lastSeq: 4, readSeq: 2, unreadCount: 2 } })

    const after = await before.restart()
    try {
      expect(await counts(after, bob)).toEqual({ [id]: { lastSeq: 4, readSeq: 2, unreadCount: 2 } })
      const [b] = await connectAll(after, [bob])
      const synced = await emit(b, "sync", { conversations: { [id]: 4 } })
      expect(synced.conversations[0]).toMatchObject({ readSeq: 2, deliveredSeq: 3, unreadCount: 2 })
      const retried = await api(after, "POST", `/api/conversations/${id}/messages`, {
        auth: alice,
        body: { text: "one", clientMessageId: "r-1" },
      })
      expect(retried).toMatchObject({ status: 200, body: { duplicate: true, message: first } })
      const next = await say(after, alice, id, "four")
      expect(next.seq).toBe(5)
      expect(await counts(after, bob)).toEqual({ [id]: { lastSeq: 5, readSeq: 2, unreadCount: 3 } })
      expect(await emit(b, "mark_read", { conversationId: id, seq: 5 })).toMatchObject({ unreadCount: 0 })
    } finally {
      closeAll()
      await after.stop()
    }
  })

  test("after a member leaves: their messages still count, their departure does not; it leaves their list", async () => {
    const [alice, bob, carol] = await quickUsers(h, ["alice", "bob", "carol"])
    const id = await createConversation(h, alice, [bob, carol]) // seqs 1, 2
    await say(h, carol, id, "c1")
    await say(h, carol, id, "c2")
    await say(h, alice, id, "a1")
    expect((await counts(h, bob))[id]).toEqual({ lastSeq: 5, readSeq: 0, unreadCount: 3 })

    expect((await api(h, "POST", `/api/conversations/${id}/leave`, { auth: carol })).status).toBe(200)
    // Alice, the admin, leaves too: the hand-over to bob is one more event, and not a message.
    expect((await api(h, "POST", `/api/conversations/${id}/leave`, { auth: alice })).status).toBe(200)
    expect(lastSeqOf(h, id)).toBe(8)
    expect((await counts(h, bob))[id]).toEqual({ lastSeq: 8, readSeq: 0, unreadCount: 3 })
    expect(await counts(h, carol)).toEqual({})
    const list = (await api(h, "GET", "/api/conversations", { auth: bob })).body.conversations
    expect(list[0].participants.map((p: any) => p.id)).toEqual([bob.id])

    const [b] = await connectAll(h, [bob])
    expect(await emit(b, "mark_read", { conversationId: id, seq: 8 })).toMatchObject({
      readSeq: 8,
      unreadCount: 0,
    })
    expect((await counts(h, bob))[id]).toEqual({ lastSeq: 8, readSeq: 8, unreadCount: 0 })
  })
})
