import { beforeAll, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, signUpAll, type TestUser } from "./helpers/clients.ts"
import { twoMembersAndAStranger } from "./helpers/room.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"
import { settledAfter } from "./helpers/walFile.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
let alice: TestUser
let bob: TestUser
let eve: TestUser
beforeAll(async () => {
  ;[alice, bob, eve] = await signUpAll(h, ["alice", "bob", "eve"])
})

const send = async (s: Socket, payload: object) => {
  const ack = await s.timeout(5000).emitWithAck("send_message", payload)
  if (!ack.ok) throw new Error(JSON.stringify(ack))
  return ack.message
}

/** Database calls the server has made, from its own metrics. */
async function dbCalls(): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`)).text()
  return [...text.matchAll(/^causerie_db_query_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  )
}

test("a reply shows what it answers on every path: ack, broadcast, history, sync, conversation list", async () => {
  const { id, a, b } = await twoMembersAndAStranger(h, alice, bob, eve)
  // 120 characters, emoji counted once each: the excerpt is the first 100 of them.
  const long = `${"é🙂".repeat(30)}${"x".repeat(60)}`
  const question = await send(a, { conversationId: id, text: long })
  const [reply, heard] = await Promise.all([
    send(b, { conversationId: id, text: "answer", replyToMessageId: question.id }),
    waitFor(a, "new_message", (p) => p.message.text === "answer"),
  ])
  const preview = {
    id: question.id,
    sender: { id: alice.id, displayName: "alice" },
    excerpt: [...long].slice(0, 100).join(""),
    hasAudio: false,
    deleted: false,
  }
  expect(reply.replyTo).toEqual(preview)
  expect(heard.message).toEqual(reply)

  const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: alice })
  expect(history.body.messages[0]).toEqual(reply)
  const synced = await b.timeout(5000).emitWithAck("sync", { conversations: { [id]: question.seq } })
  expect(synced.conversations[0].events).toEqual([
    { seq: reply.seq, type: "new_message", data: { conversationId: id, seq: reply.seq, message: reply } },
  ])
  const list = await api(h, "GET", "/api/conversations", { auth: bob })
  expect(list.body.conversations.find((c: any) => c.id === id).lastMessage).toEqual(reply)
  const plain = await send(a, { conversationId: id, text: "no reply" })
  expect(plain.replyTo).toBeNull()
})

test("a reply to a voice message says so, with no excerpt", async () => {
  const { id, a, b } = await twoMembersAndAStranger(h, alice, bob, eve)
  const voice = await send(a, { conversationId: id, audioUrl: "https://cdn.example.com/v.ogg" })
  const reply = await send(b, { conversationId: id, text: "nice voice", replyToMessageId: voice.id })
  expect(reply.replyTo).toEqual({
    id: voice.id,
    sender: { id: alice.id, displayName: "alice" },
    excerpt: null,
    hasAudio: true,
    deleted: false,
  })
})

test("a page of 50 replies costs the server as many database calls as a page of one", async () => {
  const { id, a, b } = await twoMembersAndAStranger(h, alice, bob, eve)
  const first = await send(a, { conversationId: id, text: "root" })
  let last = first
  for (let i = 0; i < 50; i++)
    last = await send(b, { conversationId: id, text: `r${i}`, replyToMessageId: first.id })
  // A search indexes the new messages now, so the search index's own run does not fall in what is counted.
  expect((await api(h, "GET", "/api/search?q=root", { auth: alice })).status).toBe(200)
  // Its write is followed by the idle checkpoint, a database call of the server's own at a moment of its
  // choosing, that a slow machine put inside one page's count: counted once it has run.
  await settledAfter(h.dbPath, last.id)
  const page = async (limit: number) => {
    const before = await dbCalls()
    const res = await api(h, "GET", `/api/conversations/${id}/messages?limit=${limit}`, { auth: alice })
    const calls = (await dbCalls()) - before
    expect(res.body.messages.length).toBe(limit)
    expect(res.body.messages.every((m: any) => m.replyTo?.id === first.id)).toBe(true)
    return calls
  }
  expect(await page(50)).toBe(await page(1))
})
