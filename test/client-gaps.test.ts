/**
 * The typed client's follower on a gap in `seq`: a later event waits for the earlier ones, whether
 * they arrive late (as they may from another node) or never (then a `sync` fills the gap); every
 * event once, in seq order.
 */
import { expect, test } from "bun:test"
import { type ChatEvent, connect } from "causerie/client"
import { conversationRoom } from "../src/sockets/rooms.ts"
import { useTypedClients } from "./helpers/typedClient.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"

const h = useTestServer()
const { account, track } = useTypedClients(() => h.url)

function client(token: string) {
  const chat = connect({ url: h.url, token, gapWaitMs: 200, socket: { transports: ["websocket"] } })
  track(chat)
  const heard: ChatEvent[] = []
  chat.subscribe((e) => heard.push(e))
  return { chat, heard }
}

const messages = (heard: ChatEvent[]) =>
  heard.flatMap((e) => (e.type === "new_message" ? [[e.seq, e.data.message.text, e.replayed]] : []))

/** Stores messages as a node that dies before publishing them would: committed, never broadcast. */
async function storeUnannounced(conversationId: number, senderId: number, texts: string[]) {
  await h.server.database.client.batch(
    texts.flatMap((text) => [
      { sql: "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ?", args: [conversationId] },
      {
        sql: "INSERT INTO messages (conversation_id, sender_id, text, seq) SELECT id, ?, ?, last_seq FROM conversations WHERE id = ?",
        args: [senderId, text, conversationId],
      },
    ]),
    "write",
  )
}

async function twoInAGroup() {
  const [alice, bob] = await Promise.all([account("alice"), account("bob")])
  const { id } = await alice.http.conversations.create({
    title: "gaps",
    participantIds: [bob.session.user.id],
  })
  const b = client(bob.session.token)
  await b.chat.follow(id)
  return { alice, bob, id, b, from: b.chat.cursor(id)! }
}

test("a lower seq that arrives late is delivered, before the later one that waited for it", async () => {
  const { alice, id, b, from } = await twoInAGroup()
  await storeUnannounced(id, alice.session.user.id, ["first", "second"])
  const { events } = await h.server.services.sync.events(alice.session.user.id, id, from, 10)
  const [first, second] = events
  // Live, the way two nodes may deliver them: the second before the first.
  h.server.io.to(conversationRoom(id)).emit(second!.type as "new_message", second!.data as never)
  h.server.io.to(conversationRoom(id)).emit(first!.type as "new_message", first!.data as never)
  await until(() => messages(b.heard).length >= 2, 5000, "both messages")
  expect(messages(b.heard)).toEqual([
    [from + 1, "first", false],
    [from + 2, "second", false],
  ])
  expect(b.chat.cursor(id)).toBe(from + 2)
})

test("a gap that never arrives live is filled by a sync, in order, and nothing comes twice", async () => {
  const { alice, id, b, from } = await twoInAGroup()
  const a = client(alice.session.token)
  await a.chat.follow(id)
  await storeUnannounced(id, alice.session.user.id, ["never announced"])
  await a.chat.send(id, { text: "announced" })
  await until(() => messages(b.heard).length >= 2, 5000, "the gap filled")
  expect(messages(b.heard)).toEqual([
    [from + 1, "never announced", true],
    [from + 2, "announced", false],
  ])
  // A late copy of what the sync brought is dropped.
  const { events } = await h.server.services.sync.events(alice.session.user.id, id, from, 1)
  h.server.io.to(conversationRoom(id)).emit("new_message", events[0]!.data as never)
  await a.chat.send(id, { text: "after" })
  await until(() => messages(b.heard).length >= 3, 5000, "the next message")
  expect(messages(b.heard).map(([seq]) => seq)).toEqual([from + 1, from + 2, from + 3])
})
