/**
 * A client away for a while gets exactly what it missed, in pages, and the pointers as they now
 * stand; live events that cross its sync are told apart by seq. The client recipe: join the
 * rooms, sync, keep only live events whose seq is above what you hold.
 */
import { expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connect, connectAll, createConversation, join } from "./helpers/clients.ts"
import { collectSequenced, lastSeqOf, range, type Sequenced, syncPages } from "./helpers/sequence.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

const emit = (s: Socket, event: string, payload: object) => s.timeout(10_000).emitWithAck(event, payload)
/** `count` messages at once, alternating between two senders; their acknowledgements, in send order. */
const burst = (senders: Socket[], conversationId: number, count: number, label: string) =>
  Promise.all(
    range(1, count).map((n) =>
      emit(senders[n % senders.length]!, "send_message", { conversationId, text: `${label} ${n}` }),
    ),
  )

test("away through 200 messages, a rename, a removal and 50 reads: synced in pages, exactly, with live events deduplicated", async () => {
  // alice and carol talk, erin and frank only read, dave is removed, bob is away.
  const [alice, bob, carol, dave, erin, frank] = await quickUsers(h, [
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
  ])
  const id = await createConversation(h, alice, [bob, carol, dave, erin, frank])
  const [a, b, c, er, fr] = await connectAll(h, [alice, bob, carol, erin, frank])
  await Promise.all([join(a, id), join(b, id), join(c, id)])
  // What bob holds when he goes: the creation's events.
  const held: Sequenced[] = (await syncPages(b, id, 0, 100)).flatMap((p) => p.events)
  const start = held.length
  expect(held.map((e) => e.seq)).toEqual(range(1, 5))
  b.disconnect()

  // While he is away; carol, still connected, hears it all live.
  const heardByCarol = collectSequenced(c)
  const first = await burst([a, c], id, 100, "first")
  expect(
    await emit(a, "update_conversation", { conversationId: id, title: "while you were away" }),
  ).toMatchObject({
    ok: true,
  })
  const second = await burst([a, c], id, 100, "second")
  const messages = [...first, ...second].map((ack) => ack.message)
  expect(messages.every(Boolean)).toBe(true)
  // 50 reads: erin moves her pointer, frank marks messages read the seed's way.
  for (let i = 0; i < 50; i++) {
    const ack =
      i % 2 === 0
        ? await emit(er, "mark_read", { conversationId: id, seq: messages[i * 4]!.seq })
        : await emit(fr, "mark_message_read", { messageId: messages[i * 4]!.id })
    expect(ack.ok).toBe(true)
  }
  expect(await emit(a, "remove_participant", { conversationId: id, userId: dave.id })).toMatchObject({
    ok: true,
  })
  const awayEnd = lastSeqOf(h, id)
  expect(awayEnd).toBe(start + 100 + 1 + 100 + 1)
  await until(() => heardByCarol.length === awayEnd - start, 10_000, "carol hears everything")

  // Back: listen, join, then sync, while alice keeps talking.
  const b2 = await connect(h, bob)
  const live = collectSequenced(b2)
  expect((await join(b2, id)).ok).toBe(true)
  const talking = burst([a], id, 20, "live")
  // At least one live event is already in hand when the sync starts: it comes back in the sync too.
  await until(() => live.length >= 1, 5000, "a first live event")
  const pages = await syncPages(b2, id, start, 100)
  await talking
  const last = lastSeqOf(h, id)
  expect(last).toBe(awayEnd + 20)

  // Pages of at most 100, each continuing the last, more announced until the end.
  expect(pages.length).toBeGreaterThanOrEqual(3)
  for (const page of pages.slice(0, -1)) expect([page.events.length, page.hasMore]).toEqual([100, true])
  expect(pages.at(-1).hasMore).toBe(false)
  const synced: Sequenced[] = pages.flatMap((p) => p.events)
  expect(synced.map((e) => e.seq)).toEqual(range(start + 1, synced.at(-1)!.seq))
  // Exactly what happened while away, as it was heard live: 100 messages, the rename, 100, the removal.
  expect(synced.slice(0, awayEnd - start)).toEqual(heardByCarol.slice(0, awayEnd - start))
  const types = synced.slice(0, awayEnd - start).map((e) => e.type)
  expect(types).toEqual([
    ...Array(100).fill("new_message"),
    "conversation_updated",
    ...Array(100).fill("new_message"),
    "participant_removed",
  ])
  expect(synced[100]!.data).toMatchObject({ title: "while you were away", by: { id: alice.id } })
  expect(synced[201]!.data).toMatchObject({ userId: dave.id, reason: "removed" })
  expect(
    synced
      .filter((e) => e.type === "new_message")
      .slice(0, 200)
      .map((e) => e.data.message.id),
  ).toEqual(messages.map((m) => m.id).sort((x, y) => x - y))

  // The recipe: what sync gave, then the live events above it; the whole sequence, once each.
  await until(() => live.length >= 20, 10_000, "bob hears the live messages")
  const mine = [...held, ...synced]
  const top = mine.at(-1)!.seq
  expect(live.filter((e) => e.seq <= top).length).toBeGreaterThanOrEqual(1)
  const kept = [...mine, ...live.filter((e) => e.seq > top)]
  expect(kept.map((e) => e.seq)).toEqual(range(1, last))

  // Everyone's pointers as they now stand: dave gone, the readers where their reads left them, the
  // talkers at their own last message.
  const stored = h.query<{ userId: number; readSeq: number; deliveredSeq: number }>(
    `select user_id as userId, read_seq as readSeq, delivered_seq as deliveredSeq
       from conversation_participants where conversation_id = ? and left_at is null order by user_id`,
    id,
  )
  expect(pages.at(-1).participants).toEqual(stored)
  const pointers = Object.fromEntries(stored.map((p) => [p.userId, p.readSeq]))
  expect(pointers[erin.id]).toBe(messages[48 * 4]!.seq)
  expect(pointers[frank.id]).toBe(messages[49 * 4]!.seq)
  expect(pointers[carol.id]).toBe(messages.findLast((m) => m.sender.id === carol.id)!.seq)
  expect(pointers[alice.id]).toBe(last)
  expect(pointers[bob.id]).toBe(0)
  expect(pointers[dave.id]).toBeUndefined()
  const listed = (await api(h, "GET", "/api/conversations", { auth: bob })).body.conversations[0]
  expect(listed).toMatchObject({ id, lastSeq: last, readSeq: 0, unreadCount: 220 })
})
