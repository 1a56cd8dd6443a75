import { beforeAll, describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { connect, createConversation, join, signUpAll, type TestUser } from "./helpers/clients.ts"
import { twoMembersAndAStranger } from "./helpers/room.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const h = useTestServer()
let alice: TestUser
let bob: TestUser
let eve: TestUser
beforeAll(async () => {
  ;[alice, bob, eve] = await signUpAll(h, ["alice", "bob", "eve"])
})

const count = (table: string) => h.query<{ n: number }>(`select count(*) as n from ${table}`)[0]!.n
const send = (s: Socket, payload: object) => s.timeout(5000).emitWithAck("send_message", payload)

const room = () => twoMembersAndAStranger(h, alice, bob, eve)

describe("send_message", () => {
  test("text: ack {ok, message}, new_message to the sender and the room, one stored row", async () => {
    const { id, a, b } = await room()
    // Broadcast only after commit: the row is readable the moment the event arrives.
    let committed = false
    const [ack, own, theirs] = await Promise.all([
      send(a, { conversationId: id, text: "bonjour" }),
      waitFor(a, "new_message"),
      waitFor(b, "new_message", (p) => {
        committed = h.query("select id from messages where id = ?", p.message.id).length === 1
        return true
      }),
    ])
    expect(committed).toBe(true)
    expect(Object.keys(ack).sort()).toEqual(["duplicate", "message", "ok"])
    expect(ack.duplicate).toBe(false)
    expect(ack.ok).toBe(true)
    expect(ack.message).toEqual({
      id: ack.message.id,
      conversationId: id,
      text: "bonjour",
      audioUrl: null,
      replyToMessageId: null,
      clientMessageId: null,
      attachments: [],
      seq: ack.message.seq,
      sender: { id: alice.id, email: "", displayName: "alice" },
      createdAt: ack.message.createdAt,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
      reactions: [],
      replyTo: null,
    })
    expect(new Date(ack.message.createdAt).toISOString()).toBe(ack.message.createdAt)
    expect(own).toEqual({ conversationId: id, seq: ack.message.seq, message: ack.message })
    expect(theirs).toEqual(own)
    expect(
      h.query(
        "select conversation_id, sender_id, text, audio_url, created_at from messages where id = ?",
        ack.message.id,
      ),
    ).toEqual([
      {
        conversation_id: id,
        sender_id: alice.id,
        text: "bonjour",
        audio_url: null,
        created_at: Date.parse(ack.message.createdAt),
      },
    ])
  })

  test("audio: audioUrl stored and broadcast, text null", async () => {
    const { id, a, b } = await room()
    const audioUrl = "https://cdn.example.com/voice/1.ogg?sig=abc"
    const [ack, got] = await Promise.all([
      send(b, { conversationId: id, audioUrl }),
      waitFor(a, "new_message"),
    ])
    expect(got.message).toMatchObject({ text: null, audioUrl, sender: { id: bob.id } })
    expect(h.query("select text, audio_url from messages where id = ?", ack.message.id)).toEqual([
      { text: null, audio_url: audioUrl },
    ])
  })

  test("replies: to this conversation's message OK; to another's or a missing one BAD_REQUEST, nothing stored", async () => {
    const { id, a, b } = await room()
    const other = await createConversation(h, alice, [])
    const o = await connect(h, alice)
    await join(o, other)
    const elsewhere = (await send(o, { conversationId: other, text: "elsewhere" })).message.id
    const original = (await send(a, { conversationId: id, text: "question" })).message.id
    const [ack, got] = await Promise.all([
      send(b, { conversationId: id, text: "answer", replyToMessageId: original }),
      waitFor(a, "new_message", (p) => p.message.text === "answer"),
    ])
    expect(got.message.replyToMessageId).toBe(original)
    expect(h.query("select reply_to_message_id as r from messages where id = ?", ack.message.id)).toEqual([
      { r: original },
    ])

    const before = count("messages")
    for (const replyToMessageId of [elsewhere, 987654]) {
      const [refused, error, silent] = await Promise.all([
        send(b, { conversationId: id, text: "sneaky", replyToMessageId }),
        waitFor(b, "error"),
        nothingWithin(a, "new_message", 200),
      ])
      expect(refused).toEqual({
        ok: false,
        error: { code: "BAD_REQUEST", field: "replyToMessageId", message: refused.error.message },
      })
      expect(error).toMatchObject({ code: "BAD_REQUEST", event: "send_message" })
      expect(silent).toBe(true)
    }
    expect(count("messages")).toBe(before)
  })

  test("one user on two devices: both joined sockets receive the message", async () => {
    const { id, a, b } = await room()
    const b2 = await connect(h, bob)
    await join(b2, id)
    const [ack, one, two] = await Promise.all([
      send(a, { conversationId: id, text: "both" }),
      waitFor(b, "new_message"),
      waitFor(b2, "new_message"),
    ])
    expect(one.message.id).toBe(ack.message.id)
    expect(two.message.id).toBe(ack.message.id)
  })

  test("a member whose socket has not joined receives nothing", async () => {
    const { id, a } = await room()
    const idle = await connect(h, bob)
    const [ack, silent] = await Promise.all([
      send(a, { conversationId: id, text: "hush" }),
      nothingWithin(idle, "new_message", 300),
    ])
    expect(ack.ok).toBe(true)
    expect(silent).toBe(true)
  })
})

describe("strangers", () => {
  test("a stranger cannot send, and nothing is stored or delivered", async () => {
    const { id, a, e } = await room()
    const before = count("messages")
    const [ack, error, silent] = await Promise.all([
      send(e, { conversationId: id, text: "intrusion" }),
      waitFor(e, "error"),
      nothingWithin(a, "new_message", 300),
    ])
    expect(ack.error.code).toBe("FORBIDDEN")
    expect(error).toMatchObject({ code: "FORBIDDEN", event: "send_message" })
    expect(silent).toBe(true)
    expect(count("messages")).toBe(before)
  })
})

describe("mark_message_read", () => {
  test("message_read to the room; a duplicate is stored once, says duplicate with the first readAt, is not re-broadcast", async () => {
    const { id, a, b } = await room()
    const messageId = (await send(a, { conversationId: id, text: "read me" })).message.id
    const [ack, toA, toB] = await Promise.all([
      b.emitWithAck("mark_message_read", { messageId }),
      waitFor(a, "message_read"),
      waitFor(b, "message_read"),
    ])
    const read = { conversationId: id, messageId, userId: bob.id, readAt: ack.readAt }
    expect(ack).toEqual({ ok: true, ...read, duplicate: false })
    expect(toA).toEqual(read)
    expect(toB).toEqual(read)
    const [again, quiet] = await Promise.all([
      b.emitWithAck("mark_message_read", { messageId }),
      nothingWithin(a, "message_read", 300),
    ])
    expect(again).toEqual({ ok: true, ...read, duplicate: true })
    expect(quiet).toBe(true)
    const rows = h.query<{ read_at: number }>(
      "select read_at from message_reads where message_id = ? and user_id = ?",
      messageId,
      bob.id,
    )
    expect(rows).toHaveLength(1)
    expect(new Date(rows[0]!.read_at).toISOString()).toBe(ack.readAt)
  })

  test("unknown message NOT_FOUND; a stranger FORBIDDEN and nothing stored", async () => {
    const { id, a, e } = await room()
    const messageId = (await send(a, { conversationId: id, text: "private" })).message.id
    const [missing, error] = await Promise.all([
      a.emitWithAck("mark_message_read", { messageId: 987654 }),
      waitFor(a, "error"),
    ])
    expect(missing.error.code).toBe("NOT_FOUND")
    expect(error).toMatchObject({ code: "NOT_FOUND", event: "mark_message_read" })
    const [stranger, silent] = await Promise.all([
      e.emitWithAck("mark_message_read", { messageId }),
      nothingWithin(a, "message_read", 300),
    ])
    expect(stranger.error.code).toBe("FORBIDDEN")
    expect(silent).toBe(true)
    expect(h.query("select * from message_reads where message_id = ?", messageId)).toEqual([])
  })
})
