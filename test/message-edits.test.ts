import { beforeAll, describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connect, join, signUpAll, type TestUser } from "./helpers/clients.ts"
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
async function say(s: Socket, payload: object) {
  const ack = await emit(s, "send_message", payload)
  if (!ack.ok) throw new Error(JSON.stringify(ack))
  return ack.message
}
const room = () => twoMembersAndAStranger(h, alice, bob, eve)
const row = (id: number) =>
  h.query("select text, audio_url, edited_at, deleted_at, deleted_by from messages where id = ?", id)[0]
/** The rows the search index holds for `word`, once it has taken every committed message (a search does that). */
async function indexed(word: string) {
  expect((await api(h, "GET", "/api/search?q=anything", { auth: alice })).status).toBe(200)
  return h
    .query<{ id: number }>("select rowid as id from messages_fts where messages_fts match ?", word)
    .map((r) => r.id)
}

describe("edit_message and PATCH /api/messages/:id", () => {
  test("the sender edits: ack, message_edited to the room with the next seq, history shows the latest text", async () => {
    const { id, a, b } = await room()
    const m = await say(a, { conversationId: id, text: "helo wrld" })
    const [ack, heardA, heardB] = await Promise.all([
      emit(a, "edit_message", { messageId: m.id, text: "hello world" }),
      waitFor(a, "message_edited"),
      waitFor(b, "message_edited"),
    ])
    expect(ack).toMatchObject({ ok: true, conversationId: id, seq: m.seq + 1 })
    expect(ack.message).toEqual({ ...m, text: "hello world", editedAt: ack.message.editedAt })
    expect(Date.parse(ack.message.editedAt)).toBeGreaterThanOrEqual(Date.parse(m.createdAt))
    const { ok: _, ...payload } = ack
    expect(heardA).toEqual(payload)
    expect(heardB).toEqual(payload)
    const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })
    expect(history.body.messages[0]).toEqual(ack.message)
    expect(await indexed("wrld")).toEqual([])
    expect(await indexed("world")).toEqual([m.id])
  })

  test("over HTTP: 200 with the same answer, broadcast the same way", async () => {
    const { id, a, b } = await room()
    const m = await say(a, { conversationId: id, text: "first" })
    const [res, heard] = await Promise.all([
      api(h, "PATCH", `/api/messages/${m.id}`, { auth: alice, body: { text: "second" } }),
      waitFor(b, "message_edited"),
    ])
    expect(res.status).toBe(200)
    expect(res.body).toEqual(heard)
    expect(res.body.message).toMatchObject({ id: m.id, text: "second" })
    expect(row(m.id)).toMatchObject({ text: "second", edited_at: Date.parse(res.body.message.editedAt) })
  })

  test("refused: another member, a stranger, a voice message, a bad payload, an unknown message", async () => {
    const { id, a, b, e } = await room()
    const m = await say(a, { conversationId: id, text: "mine" })
    const voice = await say(a, { conversationId: id, audioUrl: "https://cdn.example.com/v.ogg" })
    const cases: [Socket, unknown, string, string?][] = [
      [b, { messageId: m.id, text: "hijack" }, "FORBIDDEN"],
      [e, { messageId: m.id, text: "hijack" }, "FORBIDDEN"],
      [a, { messageId: voice.id, text: "words" }, "BAD_REQUEST", "messageId"],
      [a, { messageId: m.id, text: "   " }, "BAD_REQUEST", "text"],
      [a, { messageId: m.id, text: "x".repeat(4001) }, "BAD_REQUEST", "text"],
      [a, { messageId: m.id, text: "nul\u0000" }, "BAD_REQUEST", "text"],
      [a, { messageId: "1", text: "t" }, "BAD_REQUEST", "messageId"],
      [a, { text: "t" }, "BAD_REQUEST", "messageId"],
      [a, { messageId: 987654321, text: "t" }, "NOT_FOUND"],
    ]
    for (const [s, payload, code, field] of cases) {
      const [ack, silent] = await Promise.all([
        emit(s, "edit_message", payload),
        nothingWithin(b, "message_edited", 100),
      ])
      expect({ payload, error: ack.error }).toMatchObject({
        payload,
        error: { code, ...(field ? { field } : {}) },
      })
      expect(silent).toBe(true)
    }
    const res = await api(h, "PATCH", `/api/messages/${m.id}`, { auth: bob, body: { text: "hijack" } })
    expect(res.status).toBe(403)
    expect(row(m.id)).toMatchObject({ text: "mine", edited_at: null })
  })
})

describe("delete_message and DELETE /api/messages/:id", () => {
  test("the sender deletes: a tombstone on every path, text, audio and reactions erased, out of the index", async () => {
    const { id, a, b } = await room()
    const m = await say(a, { conversationId: id, text: "regrettable words" })
    const reply = await say(b, { conversationId: id, text: "what?", replyToMessageId: m.id })
    expect((await emit(b, "add_reaction", { messageId: m.id, emoji: "😮" })).ok).toBe(true)
    const [ack, heard] = await Promise.all([
      emit(a, "delete_message", { messageId: m.id }),
      waitFor(b, "message_deleted"),
    ])
    const payload = { conversationId: id, seq: m.seq + 3, messageId: m.id, deletedBy: alice.id }
    expect(ack).toEqual({ ok: true, ...payload })
    expect(heard).toEqual(payload)
    const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })
    const tombstone = history.body.messages.find((x: any) => x.id === m.id)
    expect(tombstone).toEqual({
      ...m,
      text: null,
      audioUrl: null,
      deletedAt: tombstone.deletedAt,
      deletedBy: alice.id,
      reactions: [],
    })
    expect(history.body.messages.find((x: any) => x.id === reply.id).replyTo).toEqual({
      id: m.id,
      sender: { id: alice.id, displayName: "alice" },
      excerpt: null,
      hasAudio: false,
      deleted: true,
    })
    expect(row(m.id)).toMatchObject({ text: null, audio_url: null, deleted_by: alice.id })
    expect(h.query("select * from message_reactions where message_id = ?", m.id)).toEqual([])
    expect(await indexed("regrettable")).toEqual([])
  })

  test("an admin deletes a member's message over HTTP; a member may not delete the admin's", async () => {
    const { id, a, b } = await room()
    const byBob = await say(b, { conversationId: id, text: "spam" })
    const byAlice = await say(a, { conversationId: id, text: "rules" })
    const [res, heard] = await Promise.all([
      api(h, "DELETE", `/api/messages/${byBob.id}`, { auth: alice }),
      waitFor(b, "message_deleted"),
    ])
    expect(res.status).toBe(200)
    expect(res.body).toEqual(heard)
    expect(res.body.deletedBy).toBe(alice.id)
    const refused = await emit(b, "delete_message", { messageId: byAlice.id })
    expect(refused.error.code).toBe("FORBIDDEN")
    expect(row(byAlice.id)).toMatchObject({ text: "rules", deleted_at: null })
  })

  test("a deleted message can no longer be deleted, edited or reacted to: NOT_FOUND, nothing broadcast", async () => {
    const { id, a, b } = await room()
    const m = await say(a, { conversationId: id, text: "soon gone" })
    await emit(a, "delete_message", { messageId: m.id })
    const attempts: [string, object][] = [
      ["delete_message", { messageId: m.id }],
      ["edit_message", { messageId: m.id, text: "back" }],
      ["add_reaction", { messageId: m.id, emoji: "👍" }],
      ["remove_reaction", { messageId: m.id, emoji: "👍" }],
    ]
    const b2 = await connect(h, bob)
    await join(b2, id)
    const heard: string[] = []
    b2.onAny((event) => heard.push(event))
    for (const [event, payload] of attempts)
      expect((await emit(a, event, payload)).error.code).toBe("NOT_FOUND")
    const reactions = await api(h, "GET", `/api/messages/${m.id}/reactions`, { auth: bob })
    expect(reactions.status).toBe(404)
    expect(await nothingWithin(b, "message_deleted", 100)).toBe(true)
    expect(heard).toEqual([])
  })
})
