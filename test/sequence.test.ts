/** One gapless seq per conversation: every stored event takes the next number, and says so live. */
import { describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connect, connectAll, createConversation, join } from "./helpers/clients.ts"
import { collectSequenced, lastSeqOf, range, storedSeqs } from "./helpers/sequence.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until, waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()

const emit = (s: Socket, event: string, payload: object) => s.timeout(5000).emitWithAck(event, payload)
const storedEvents = (id: number) =>
  h.query<{ seq: number; type: string; data: string }>(
    "select seq, type, data from conversation_events where conversation_id = ? order by seq",
    id,
  )

describe("the conversation sequence", () => {
  test("creation stores one participant_added per member but the creator, at seq 1, 2, ...", async () => {
    const [alice, bob, carol] = await quickUsers(h, ["alice", "bob", "carol"])
    const id = await createConversation(h, alice, [bob, carol])
    const events = storedEvents(id)
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, "participant_added"],
      [2, "participant_added"],
    ])
    expect(events.map((e) => JSON.parse(e.data).participant.id)).toEqual([bob.id, carol.id])
    expect(events.every((e) => JSON.parse(e.data).by.id === alice.id)).toBe(true)
    expect(lastSeqOf(h, id)).toBe(2)

    // A direct conversation: the other side only.
    const direct = await api(h, "POST", "/api/conversations", {
      auth: alice,
      body: { type: "direct", participantIds: [bob.id] },
    })
    expect(storedEvents(direct.body.id).map((e) => [e.seq, JSON.parse(e.data).participant.id])).toEqual([
      [1, bob.id],
    ])
    expect(direct.body.lastSeq).toBe(1)
  })

  test("every sequenced event takes the next seq, carried at the top level of its broadcast", async () => {
    const [alice, bob, carol, dave] = await quickUsers(h, ["alice", "bob", "carol", "dave"])
    const id = await createConversation(h, alice, [bob, carol])
    const other = await createConversation(h, alice, [bob])
    const [a, b] = await connectAll(h, [alice, bob])
    const [joinedA, joinedB] = await Promise.all([join(a, id), join(b, id)])
    expect(joinedA).toMatchObject({ ok: true, lastSeq: 2 })
    expect(joinedB.lastSeq).toBe(2)
    const heard = collectSequenced(b)

    const sent = await emit(a, "send_message", { conversationId: id, text: "hello" })
    await emit(a, "update_conversation", { conversationId: id, title: "renamed" })
    await emit(a, "add_participants", { conversationId: id, userIds: [dave.id] })
    await emit(a, "change_role", { conversationId: id, userId: dave.id, role: "admin" })
    await emit(a, "remove_participant", { conversationId: id, userId: carol.id })
    // Another conversation numbers on its own.
    const elsewhere = await emit(a, "send_message", { conversationId: other, text: "elsewhere" })

    expect(sent.message.seq).toBe(3)
    expect(elsewhere.message.seq).toBe(2)
    await until(() => heard.length === 5, 5000, "bob hears the five events")
    expect(heard.map((e) => [e.seq, e.type])).toEqual([
      [3, "new_message"],
      [4, "conversation_updated"],
      [5, "participant_added"],
      [6, "role_changed"],
      [7, "participant_removed"],
    ])
    for (const e of heard) expect(e.data.conversationId).toBe(id)
    expect(heard[0]!.data).toEqual({ conversationId: id, seq: 3, message: sent.message })
    expect(heard[1]!.data).toMatchObject({ title: "renamed", by: { id: alice.id } })
    expect(heard[2]!.data).toMatchObject({ participant: { id: dave.id, readSeq: 0, deliveredSeq: 0 } })
    expect(heard[3]!.data).toMatchObject({ userId: dave.id, role: "admin" })
    expect(heard[4]!.data).toMatchObject({ userId: carol.id, reason: "removed", by: { id: alice.id } })

    // Sync replays each one as it was heard.
    const replay = await api(h, "GET", `/api/conversations/${id}/events?after=2`, { auth: bob })
    expect(replay.body.events).toEqual(heard)
    expect(storedSeqs(h, id)).toEqual(range(1, 7))
    expect(storedSeqs(h, other)).toEqual(range(1, 2))
    expect(h.query("select seq from messages where id = ?", sent.message.id)).toEqual([{ seq: 3 }])

    // Where a client learns the last seq: the conversation, the list, and the join acknowledgement.
    expect((await api(h, "GET", `/api/conversations/${id}`, { auth: bob })).body.lastSeq).toBe(7)
    const list = (await api(h, "GET", "/api/conversations", { auth: bob })).body.conversations
    const lastSeqs = Object.fromEntries(list.map((c: any) => [c.id, c.lastSeq]))
    expect(lastSeqs).toEqual({ [id]: 7, [other]: 2 })
    const b2 = await connect(h, bob)
    const [ack, joinedEvent] = await Promise.all([join(b2, id), waitFor(b2, "conversation_joined")])
    expect(ack.lastSeq).toBe(7)
    expect(joinedEvent.lastSeq).toBe(7)
  })

  test("the last admin leaving hands the role on: participant_removed, then role_changed, next seqs", async () => {
    const [alice, bob, carol] = await quickUsers(h, ["alice", "bob", "carol"])
    const id = await createConversation(h, alice, [bob, carol])
    const [a, b, c] = await connectAll(h, [alice, bob, carol])
    await Promise.all([join(a, id), join(b, id), join(c, id)])
    const heard = collectSequenced(c)
    const bobHeard = collectSequenced(b)

    expect(await emit(a, "quit_conversation", { conversationId: id })).toEqual({
      ok: true,
      conversationId: id,
    })
    await until(() => heard.length === 2 && bobHeard.length === 2, 5000, "both hear both events")
    // The longest-standing member takes over; bob and carol joined together, bob has the lower id.
    expect(heard.map((e) => e.data)).toEqual([
      {
        conversationId: id,
        seq: 3,
        userId: alice.id,
        reason: "left",
        by: expect.objectContaining({ id: alice.id }),
      },
      {
        conversationId: id,
        seq: 4,
        userId: bob.id,
        role: "admin",
        by: expect.objectContaining({ id: alice.id }),
      },
    ])
    expect(bobHeard).toEqual(heard)
    expect(storedSeqs(h, id)).toEqual(range(1, 4))
    expect(
      h.query(
        "select role from conversation_participants where conversation_id = ? and user_id = ?",
        id,
        bob.id,
      ),
    ).toEqual([{ role: "admin" }])
    expect(
      h.query(
        "select left_seq from conversation_participants where conversation_id = ? and user_id = ?",
        id,
        alice.id,
      ),
    ).toEqual([{ left_seq: 3 }])
  })
})
