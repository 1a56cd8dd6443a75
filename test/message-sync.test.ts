/** Edits, deletions and reactions are sequenced events: a client that was away replays each once. */
import { beforeAll, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connect, createConversation, join, signUpAll, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
let alice: TestUser
let bob: TestUser
let carol: TestUser
beforeAll(async () => {
  ;[alice, bob, carol] = await signUpAll(h, ["alice", "bob", "carol"])
})

const emit = async (s: Socket, event: string, payload: unknown) => {
  const ack = await s.timeout(5000).emitWithAck(event, payload)
  if (!ack.ok) throw new Error(`${event}: ${JSON.stringify(ack)}`)
  const { ok: _, duplicate: __, ...rest } = ack
  return rest
}
const CHANGES = ["message_edited", "message_deleted", "reaction_added", "reaction_removed"]

test("edits, deletions and reactions made while a client is offline: its sync replays each once, in order", async () => {
  const id = await createConversation(h, alice, [bob, carol])
  const [a, b, c] = await Promise.all([connect(h, alice), connect(h, bob), connect(h, carol)])
  await Promise.all([a, b, c].map((s) => join(s, id)))
  const [m1, m2, m3] = [
    (await emit(a, "send_message", { conversationId: id, text: "typo hree" })).message,
    (await emit(a, "send_message", { conversationId: id, text: "oops" })).message,
    (await emit(c, "send_message", { conversationId: id, text: "lunch?" })).message,
  ]
  // Carol stays online and hears everything live; Bob goes away.
  const heard: [string, any][] = []
  for (const event of CHANGES) c.on(event, (p: any) => heard.push([event, p]))
  b.close()

  const acks = [
    await emit(a, "edit_message", { messageId: m1.id, text: "typo here" }),
    await emit(a, "delete_message", { messageId: m2.id }),
    await emit(a, "add_reaction", { messageId: m3.id, emoji: "👍" }),
    await emit(a, "add_reaction", { messageId: m3.id, emoji: "🍕" }),
    await emit(c, "add_reaction", { messageId: m3.id, emoji: "👍" }),
    await emit(a, "remove_reaction", { messageId: m3.id, emoji: "🍕" }),
    await emit(a, "edit_message", { messageId: m1.id, text: "typo: here" }),
  ]
  await until(() => heard.length === acks.length, 5000, "carol heard every change")
  // A duplicate changes nothing and takes no seq.
  expect(
    (await a.timeout(5000).emitWithAck("add_reaction", { messageId: m3.id, emoji: "👍" })).seq,
  ).toBeNull()

  const back = await connect(h, bob)
  const synced = await back.timeout(5000).emitWithAck("sync", { conversations: { [id]: m3.seq } })
  const events = synced.conversations[0].events
  expect(events.map((e: any) => e.seq)).toEqual(acks.map((x) => x.seq))
  expect(events.map((e: any) => e.seq)).toEqual([...Array(acks.length)].map((_, i) => m3.seq + 1 + i))
  expect(events.map((e: any) => e.type)).toEqual(heard.map(([event]) => event))
  // Each as heard live, but an edit shows the message as it stands now (for Bob: no reactions of his).
  const current = { ...m1, text: "typo: here", editedAt: acks[6]!.message.editedAt }
  heard.forEach(([event, payload], i) => {
    const expected = event === "message_edited" ? { ...payload, message: current } : payload
    expect(events[i]).toEqual({ seq: payload.seq, type: event, data: expected })
  })
  expect(synced.conversations[0]).toMatchObject({ lastSeq: m3.seq + acks.length, hasMore: false })
  const overHttp = await api(h, "GET", `/api/conversations/${id}/events?after=${m3.seq}`, { auth: bob })
  expect(overHttp.body.events).toEqual(events)
  const again = await back
    .timeout(5000)
    .emitWithAck("sync", { conversations: { [id]: m3.seq + acks.length } })
  expect(again.conversations[0].events).toEqual([])
})

test("the edits and reactions of a message deleted later are not replayed, and nothing of them is left", async () => {
  const id = await createConversation(h, alice, [bob])
  const a = await connect(h, alice)
  const m = (await emit(a, "send_message", { conversationId: id, text: "secret plan" })).message
  await emit(a, "edit_message", { messageId: m.id, text: "secret plan v2" })
  await emit(a, "add_reaction", { messageId: m.id, emoji: "🤫" })
  const deleted = await emit(a, "delete_message", { messageId: m.id })

  const synced = await api(h, "GET", `/api/conversations/${id}/events?after=0`, { auth: bob })
  expect(synced.body.events.map((e: any) => e.type)).toEqual([
    "participant_added",
    "new_message",
    "message_deleted",
  ])
  expect(synced.body.events[1].data.message).toMatchObject({ id: m.id, text: null, deletedBy: alice.id })
  expect(synced.body.events[2]).toEqual({ seq: deleted.seq, type: "message_deleted", data: deleted })
  // The sequence keeps its numbers; what the events said about the message is gone.
  const stored = h.query<{ type: string; data: string }>(
    "select type, data from conversation_events where message_id = ? order by seq",
    m.id,
  )
  expect(stored.map((e) => [e.type, JSON.parse(e.data)])).toEqual([
    ["message_edited", { messageId: m.id }],
    ["reaction_added", { messageId: m.id }],
    ["message_deleted", { messageId: m.id, deletedBy: alice.id }],
  ])
})
