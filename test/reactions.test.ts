import { beforeAll, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, signUpAll, type TestUser } from "./helpers/clients.ts"
import { twoMembersAndAStranger } from "./helpers/room.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
let alice: TestUser
let bob: TestUser
let eve: TestUser
beforeAll(async () => {
  ;[alice, bob, eve] = await signUpAll(h, ["alice", "bob", "eve"])
})

const emit = (s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload)
async function setup() {
  const r = await twoMembersAndAStranger(h, alice, bob, eve)
  const ack = await emit(r.a, "send_message", { conversationId: r.id, text: "react to me" })
  return { ...r, m: ack.message }
}
const reactionsPath = (messageId: number, emoji: string) =>
  `/api/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`
const history = async (id: number, user: TestUser) =>
  (await api(h, "GET", `/api/conversations/${id}/messages`, { auth: user })).body.messages

test("add_reaction: reaction_added to the room with the count; twice is a duplicate, not re-broadcast", async () => {
  const { id, a, b, m } = await setup()
  const [ack, heard] = await Promise.all([
    emit(b, "add_reaction", { messageId: m.id, emoji: "👍" }),
    waitFor(a, "reaction_added"),
  ])
  const payload = {
    conversationId: id,
    seq: m.seq + 1,
    messageId: m.id,
    userId: bob.id,
    emoji: "👍",
    count: 1,
  }
  expect(ack).toEqual({ ok: true, ...payload, duplicate: false })
  expect(heard).toEqual(payload)
  const [again, silent] = await Promise.all([
    emit(b, "add_reaction", { messageId: m.id, emoji: "👍" }),
    nothingWithin(a, "reaction_added", 200),
  ])
  expect(again).toEqual({ ok: true, ...payload, seq: null, duplicate: true })
  expect(silent).toBe(true)
  await emit(a, "add_reaction", { messageId: m.id, emoji: "👍" })
  expect((await history(id, alice))[0].reactions).toEqual([{ emoji: "👍", count: 2, me: true }])
  const [removed] = await Promise.all([
    emit(a, "remove_reaction", { messageId: m.id, emoji: "👍" }),
    waitFor(b, "reaction_removed"),
  ])
  expect(removed).toMatchObject({ ok: true, count: 1, userId: alice.id, duplicate: false })
  // `me` is each viewer's own.
  expect((await history(id, alice))[0].reactions).toEqual([{ emoji: "👍", count: 1, me: false }])
  expect((await history(id, bob))[0].reactions).toEqual([{ emoji: "👍", count: 1, me: true }])
})

test("over HTTP: PUT 201 then 200 duplicate, DELETE, and GET lists who reacted, in order", async () => {
  const { id, b, m } = await setup()
  const flag = "🇫🇷"
  const put = await api(h, "PUT", reactionsPath(m.id, flag), { auth: alice })
  expect(put.status).toBe(201)
  expect(put.body).toMatchObject({ conversationId: id, emoji: flag, count: 1, duplicate: false })
  expect((await api(h, "PUT", reactionsPath(m.id, flag), { auth: alice })).status).toBe(200)
  await api(h, "PUT", reactionsPath(m.id, "👨‍👩‍👧"), { auth: bob })
  await api(h, "PUT", reactionsPath(m.id, flag), { auth: bob })
  const list = await api(h, "GET", `/api/messages/${m.id}/reactions`, { auth: bob })
  expect(list.body).toEqual({
    messageId: m.id,
    reactions: [
      {
        emoji: flag,
        count: 2,
        me: true,
        users: [
          { id: alice.id, displayName: "alice" },
          { id: bob.id, displayName: "bob" },
        ],
      },
      { emoji: "👨‍👩‍👧", count: 1, me: true, users: [{ id: bob.id, displayName: "bob" }] },
    ],
  })
  const [del, heard] = await Promise.all([
    api(h, "DELETE", reactionsPath(m.id, flag), { auth: alice }),
    waitFor(b, "reaction_removed"),
  ])
  expect(del.status).toBe(200)
  const { duplicate: _, ...payload } = del.body
  expect(heard).toEqual(payload)
  const again = await api(h, "DELETE", reactionsPath(m.id, flag), { auth: alice })
  expect(again.body).toMatchObject({ duplicate: true, seq: null, count: 1 })
  expect((await api(h, "GET", `/api/messages/${m.id}/reactions`, { auth: eve })).status).toBe(403)
})

test("one emoji, told by Unicode properties: anything else is BAD_REQUEST naming emoji", async () => {
  const { a, m } = await setup()
  for (const emoji of ["a", "👍👍", "", "hello", ":)", "1", " 👍", "\u200d", 42, null, "👍".repeat(40)]) {
    const ack = await emit(a, "add_reaction", { messageId: m.id, emoji })
    expect({ emoji, error: ack.error }).toMatchObject({
      emoji,
      error: { code: "BAD_REQUEST", field: "emoji" },
    })
  }
  const bad = await api(h, "PUT", reactionsPath(m.id, "abc"), { auth: alice })
  expect(bad.body.error).toMatchObject({ code: "BAD_REQUEST", field: "emoji" })
  for (const emoji of ["👍🏽", "🏳️‍🌈", "1️⃣", "🇯🇵", "❤️"]) {
    expect(await emit(a, "add_reaction", { messageId: m.id, emoji })).toMatchObject({ ok: true, emoji })
  }
  // A pictograph without its emoji selector counts as the same reaction as with it.
  expect(await emit(a, "add_reaction", { messageId: m.id, emoji: "❤" })).toMatchObject({
    ok: true,
    emoji: "❤️",
    duplicate: true,
  })
})

test("at most 20 different emojis on a message: a 21st is CONFLICT; a known one can still be added", async () => {
  const { id, a, b, m } = await setup()
  const emojis = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"]
  expect(emojis.length).toBe(20)
  for (const emoji of emojis)
    expect((await emit(a, "add_reaction", { messageId: m.id, emoji })).ok).toBe(true)
  const [refused, silent] = await Promise.all([
    emit(b, "add_reaction", { messageId: m.id, emoji: "🤔" }),
    nothingWithin(a, "reaction_added", 200),
  ])
  expect(refused.error).toMatchObject({ code: "CONFLICT", field: "emoji" })
  expect(silent).toBe(true)
  expect(await emit(b, "add_reaction", { messageId: m.id, emoji: "😀" })).toMatchObject({
    ok: true,
    count: 2,
  })
  expect((await history(id, bob))[0].reactions.length).toBe(20)
})
