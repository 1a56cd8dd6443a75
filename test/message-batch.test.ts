import { expect, test } from "bun:test"
import type { Message } from "../src/contract.ts"
import { EventBus } from "../src/events.ts"
import { batchStatements, CHUNK_ROWS, type NewMessage } from "../src/services/messageBatch.ts"
import { PUBLISH_SLICE } from "../src/services/messageService.ts"
import { createMessageWriter } from "../src/services/messageWriter.ts"
import { createConversation, signUp, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer()

const row = (conversationId: number, sender: TestUser, text: string): NewMessage => ({
  conversationId,
  sender: { id: sender.id, email: sender.email, displayName: sender.displayName },
  text,
  audioUrl: null,
  replyToMessageId: null,
  clientMessageId: null,
  createdAt: new Date(),
  attachments: [],
})

test("a batch of 150 rows is stored in chunks of at most 32 rows", () => {
  const user = { id: 1, email: "a@example.test", displayName: "a", token: "" }
  const plan = batchStatements(Array.from({ length: 150 }, (_, i) => row(1 + (i % 3), user, `m${i}`)))
  expect(plan.inserts).toHaveLength(Math.ceil(150 / CHUNK_ROWS))
  for (const at of plan.inserts) {
    const values = ((plan.statements[at] as { sql: string }).sql.match(/\(\?, \?/g) ?? []).length
    expect(values).toBeLessThanOrEqual(CHUNK_ROWS)
  }
})

test("one batch across chunks and publish slices keeps every conversation's seq in the order sent", async () => {
  const [alice, bob, carol] = await Promise.all([signUp(h, "alice"), signUp(h, "bob"), signUp(h, "carol")])
  const ids = [
    await createConversation(h, alice, [bob, carol], "one"),
    await createConversation(h, bob, [alice, carol], "two"),
    await createConversation(h, carol, [alice, bob], "three"),
  ]
  const senders = [alice, bob, carol]
  const lastSeq = (id: number) =>
    h.query<{ last_seq: number }>("SELECT last_seq FROM conversations WHERE id = ?", id)[0]!.last_seq
  const startSeq = ids.map(lastSeq)
  const bus = new EventBus()
  const heard: Message[] = []
  bus.on("message_created", (message) => heard.push(message))
  const writer = createMessageWriter(h.server.database.db, (messages) =>
    bus.spread("message_created", messages, PUBLISH_SLICE),
  )

  // Queued in one turn, so one transaction; interleaved so every chunk holds all three conversations.
  const total = 150
  const sent = Array.from({ length: total }, (_, i) => row(ids[i % 3]!, senders[i % 3]!, `m${i}`))
  const stored = await Promise.all(sent.map((r) => writer.write(r)))

  expect(stored.map((m) => m.text)).toEqual(sent.map((r) => r.text))
  expect(heard.map((m) => m.id)).toEqual(stored.map((m) => m.id))
  for (const [k, id] of ids.entries()) {
    const mine = heard.filter((m) => m.conversationId === id)
    expect(mine.map((m) => m.text)).toEqual(sent.filter((r) => r.conversationId === id).map((r) => r.text))
    expect(mine.map((m) => m.seq)).toEqual(mine.map((_, i) => startSeq[k]! + 1 + i))
    expect(lastSeq(id)).toBe(startSeq[k]! + mine.length)
    const rows = h.query<{ text: string; seq: number }>(
      "SELECT text, seq FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq",
      id,
      startSeq[k]!,
    )
    expect(rows).toEqual(mine.map((m) => ({ text: m.text!, seq: m.seq })))
    // The sender has read up to their own last message of the batch.
    const pointer = h.query<{ read_seq: number }>(
      "SELECT read_seq FROM conversation_participants WHERE conversation_id = ? AND user_id = ?",
      id,
      senders[k]!.id,
    )
    expect(pointer[0]!.read_seq).toBe(mine.at(-1)!.seq)
  }
  await writer.flush()
})

test("a spread publication goes out a slice per turn, and an event emitted meanwhile waits behind it", async () => {
  const bus = new EventBus<{ tick: number }>()
  const heard: number[] = []
  bus.on("tick", (n) => heard.push(n))
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
  const done = bus.spread("tick", [1, 2, 3, 4, 5], 2)
  bus.emit("tick", 6)
  expect(heard).toEqual([])
  await turn()
  expect(heard).toEqual([1, 2])
  await turn()
  expect(heard).toEqual([1, 2, 3, 4])
  await done
  await turn()
  expect(heard).toEqual([1, 2, 3, 4, 5, 6])
  // Once the backlog is gone, an event goes out at once again.
  bus.emit("tick", 7)
  expect(heard.at(-1)).toBe(7)
})

test("in a big batch each sender hears back once its own slice has gone out, not after the whole batch", async () => {
  const [alice, bob] = await Promise.all([signUp(h, "alice"), signUp(h, "bob")])
  const id = await createConversation(h, alice, [bob], "slices")
  const bus = new EventBus()
  const answered = new Set<number>()
  // How many senders had heard back when each message went out.
  const answeredWhenHeard: number[] = []
  bus.on("message_created", () => answeredWhenHeard.push(answered.size))
  const writer = createMessageWriter(h.server.database.db, (messages, sent) =>
    bus.spread("message_created", messages, PUBLISH_SLICE, sent),
  )
  const total = PUBLISH_SLICE * 2 + 10
  await Promise.all(
    Array.from({ length: total }, (_, i) =>
      writer.write(row(id, i % 2 ? bob : alice, `m${i}`)).then(() => answered.add(i)),
    ),
  )
  expect(answeredWhenHeard).toHaveLength(total)
  // Nobody hears back before their message is out; a slice's senders have heard back before the next goes.
  expect(answeredWhenHeard[PUBLISH_SLICE - 1]).toBe(0)
  expect(answeredWhenHeard[PUBLISH_SLICE]).toBe(PUBLISH_SLICE)
  expect(answeredWhenHeard[PUBLISH_SLICE * 2]).toBe(PUBLISH_SLICE * 2)
  expect(answered.size).toBe(total)
})
