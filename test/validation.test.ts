import { beforeAll, describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { closeAll, connect, createConversation, join, signUpAll, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

// The bad payloads below are sent by the hundred: check validation, not the throttle.
const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0", RATE_LIMIT_JOINS_PER_SECOND: "0" })
let alice: TestUser
let bob: TestUser
let id: number
let messageId: number
beforeAll(async () => {
  ;[alice, bob] = await signUpAll(h, ["alice", "bob"])
  id = await createConversation(h, alice, [bob])
  const a = await connect(h, alice)
  await join(a, id)
  messageId = (await a.emitWithAck("send_message", { conversationId: id, text: "seed" })).message.id
  closeAll()
})

const count = (table: string) => h.query<{ n: number }>(`select count(*) as n from ${table}`)[0]!.n
const url = (length: number) => `https://example.com/${"a".repeat(length - "https://example.com/".length)}`

/** Every shape an id must not take; `undefined` and NaN arrive as a missing key and null. */
const BAD_IDS = [null, undefined, Number.NaN, "1", "abc", -1, 0, 1.5, 2 ** 53, 1e308, true, [1], { id: 1 }]
/** Every shape a whole payload must not take. */
const BAD_PAYLOADS = [null, undefined, "a string", 42, true, [], [{ conversationId: 1 }], {}]

const BAD_TEXTS = [
  "",
  "   ",
  "\n\t ",
  "x".repeat(4001),
  ` ${"x".repeat(4001)} `,
  "x".repeat(60_000),
  42,
  ["hi"],
  {},
]
const BAD_URLS = ["ftp://x", "javascript:alert(1)", "not a url", "//example.com/a.mp3", url(2049), 42, "", {}]

const ref = (key: string) => [...BAD_PAYLOADS, ...BAD_IDS.map((v) => ({ [key]: v }))]
const usable = (v: unknown) => v != null && !Number.isNaN(v)

/** The bad payloads of each event; `conversationId` is a real conversation wherever it is not the fault. */
function badPayloads(event: string, conversationId: number): unknown[] {
  if (event !== "send_message") return ref(event === "mark_message_read" ? "messageId" : "conversationId")
  return [
    ...BAD_PAYLOADS,
    ...BAD_IDS.map((bad) => ({ conversationId: bad, text: "hi" })),
    ...BAD_IDS.filter(usable).map((bad) => ({ conversationId, text: "hi", replyToMessageId: bad })),
    ...BAD_TEXTS.map((text) => ({ conversationId, text })),
    ...BAD_URLS.map((audioUrl) => ({ conversationId, audioUrl })),
    { conversationId },
    { conversationId, text: null, audioUrl: null },
    { conversationId, text: "", audioUrl: "https://example.com/a.mp3" },
  ]
}
const EVENTS = ["join_conversation", "leave_conversation", "send_message", "mark_message_read"]

/** Emits `payload` (or nothing at all for undefined) and returns the ack and the `error` event. */
async function refused(s: Socket, event: string, payload: unknown) {
  const args = payload === undefined ? [] : [payload]
  const [ack, error] = await Promise.all([s.timeout(5000).emitWithAck(event, ...args), waitFor(s, "error")])
  return { ack, error }
}

describe("malformed payloads are BAD_REQUEST, never an exception", () => {
  test.each(EVENTS)("%s", async (event) => {
    const before = { messages: count("messages"), reads: count("message_reads") }
    const s = await connect(h, alice)
    for (const payload of badPayloads(event, id)) {
      const { ack, error } = await refused(s, event, payload)
      const what = `${event} ${JSON.stringify(payload)?.slice(0, 80)}`
      expect({ what, ack: ack.ok, code: ack.error?.code }).toEqual({ what, ack: false, code: "BAD_REQUEST" })
      expect(typeof ack.error.message).toBe("string")
      expect({ what, error }).toEqual({ what, error: { ...ack.error, event } })
    }
    expect(s.connected).toBe(true)
    expect({ messages: count("messages"), reads: count("message_reads") }).toEqual(before)
  })

  test("without an acknowledgement callback, the error event alone reports it", async () => {
    const s = await connect(h, alice)
    for (const event of EVENTS) {
      for (const payload of [null, "x", { conversationId: -1, messageId: 0, text: "" }]) {
        const error = waitFor(s, "error")
        s.emit(event, payload)
        expect(await error).toMatchObject({ code: "BAD_REQUEST", event })
      }
      const error = waitFor(s, "error")
      s.emit(event)
      expect(await error).toMatchObject({ code: "BAD_REQUEST", event })
    }
    expect(s.connected).toBe(true)
  })

  test("the socket still works afterwards, and the boundaries are accepted", async () => {
    const [a, b] = await Promise.all([connect(h, alice), connect(h, bob)])
    await Promise.all([join(a, id), join(b, id)])
    for (const payload of [null, [], { conversationId: "x" }]) await refused(a, "send_message", payload)
    const longest = "x".repeat(4000)
    const cases = [
      { text: `  ${longest}\n `, stored: longest },
      { text: "é", stored: "é" },
      { audioUrl: url(2048), stored: null },
      { audioUrl: "http://example.com/a.mp3", text: "  caption ", stored: "caption" },
    ]
    for (const { stored, ...fields } of cases) {
      const [ack, got] = await Promise.all([
        a.emitWithAck("send_message", { conversationId: id, ...fields }),
        waitFor(b, "new_message"),
      ])
      expect(ack.ok).toBe(true)
      expect(got.message.text).toBe(stored)
      expect(
        h.query("select text, audio_url as audioUrl from messages where id = ?", ack.message.id),
      ).toEqual([{ text: stored, audioUrl: fields.audioUrl ?? null }])
    }
    expect((await a.emitWithAck("mark_message_read", { messageId })).ok).toBe(true)
  })
})

// A character is a code point: 4,000 emoji (8,000 UTF-16 units) fit, 4,001 do not.
test("4,000 characters outside the Basic Multilingual Plane are accepted, 4,001 are not", async () => {
  const s = await connect(h, alice)
  await join(s, id)
  const ack = await s.emitWithAck("send_message", { conversationId: id, text: "😀".repeat(4000) })
  expect(ack.ok).toBe(true)
  const over = await s.emitWithAck("send_message", { conversationId: id, text: "😀".repeat(4001) })
  expect(over.error).toMatchObject({ code: "BAD_REQUEST", field: "text" })
})

describe.each([["websocket"], ["polling"]])("a frame over 64 KiB over %s", (transport) => {
  test("closes that socket only; the server keeps serving the others", async () => {
    const [a, b] = await Promise.all([connect(h, alice, { transports: [transport] }), connect(h, bob)])
    await Promise.all([join(a, id), join(b, id)])
    const before = count("messages")
    const closed = waitFor(a, "disconnect")
    const [silent] = await Promise.all([
      nothingWithin(b, "new_message", 500),
      a.emit("send_message", { conversationId: id, text: "x".repeat(65 * 1024) }),
    ])
    expect(await closed).toMatch(/transport (close|error)|parse error/)
    expect(silent).toBe(true)
    expect(count("messages")).toBe(before)

    const [ack, got] = await Promise.all([
      b.emitWithAck("send_message", { conversationId: id, text: "still here" }),
      waitFor(b, "new_message"),
    ])
    expect(got.message.id).toBe(ack.message.id)
    const again = await connect(h, alice, { transports: [transport] })
    expect((await join(again, id)).ok).toBe(true)
  })
})

test("an event nobody listens to is answered BAD_REQUEST, in the acknowledgement and the error event", async () => {
  const s = await connect(h, alice)
  const [ack, error] = await Promise.all([
    s.emitWithAck("send_mesage", { conversationId: id }),
    waitFor(s, "error"),
  ])
  expect(ack).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } })
  expect(ack.error.message).toContain("send_mesage")
  expect(error).toMatchObject({ code: "BAD_REQUEST", event: "send_mesage" })
  expect(s.connected).toBe(true)
})
