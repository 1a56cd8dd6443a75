/**
 * Text is stored as sent: for any well-formed Unicode text without forbidden controls, the
 * acknowledged text is the broadcast one, the history's, the sync's, and the stored bytes.
 */
import { beforeAll, expect, test } from "bun:test"
import fc from "fast-check"
import type { Socket } from "socket.io-client"
import { api, connectAll, createConversation, join, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
let alice: TestUser
let id: number
let a: Socket
let b: Socket
beforeAll(async () => {
  const [sender, reader] = await quickUsers(h, ["alice", "bob"])
  alice = sender
  id = await createConversation(h, sender, [reader])
  ;[a, b] = await connectAll(h, [sender, reader])
  await Promise.all([join(a, id), join(b, id)])
})

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a client may not send
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/
const allowed = (cp: number) => !FORBIDDEN.test(String.fromCodePoint(cp)) && (cp < 0xd800 || cp > 0xdfff)

/** Code points of every plane, with a lean towards the awkward: controls we keep, marks, joiners, BOM, astral. */
const codePoint = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x10ffff }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x7ff }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        ...[0x09, 0x0a, 0x0d, 0x20, 0x7f, 0x85, 0xa0, 0x301, 0x200b, 0x200d, 0x2028, 0x2029, 0x202e],
        ...[0xfe0f, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x1f3f3, 0x1f600, 0xe0041, 0x10ffff],
      ),
    },
  )
  .filter(allowed)
  .map((cp) => String.fromCodePoint(cp))

const validText = fc
  .oneof(
    fc.string({ unit: codePoint, minLength: 1, maxLength: 80 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
  )
  .filter((s) => s.trim().length > 0 && s.isWellFormed() && !FORBIDDEN.test(s))

const hexOf = (text: string) => Buffer.from(text, "utf8").toString("hex").toUpperCase()

/** Sends `text` over a socket or HTTP; the stored message as acknowledged. */
async function send(text: string, overHttp: boolean) {
  if (!overHttp) return a.timeout(5000).emitWithAck("send_message", { conversationId: id, text })
  const res = await api(h, "POST", `/api/conversations/${id}/messages`, { auth: alice, body: { text } })
  return { ok: res.status === 201, ...res.body }
}

test("acknowledged == broadcast == history == sync == stored bytes, for arbitrary valid Unicode", async () => {
  await fc.assert(
    fc.asyncProperty(validText, fc.boolean(), async (text, overHttp) => {
      const heard = waitFor(b, "new_message")
      const ack = await send(text, overHttp)
      expect(ack.ok).toBe(true)
      const sent: string = ack.message.text
      // Trimmed, as the server does before storing: nothing else is changed.
      expect(sent).toBe(text.trim())
      expect((await heard).message).toMatchObject({ id: ack.message.id, text: sent })
      const history = await api(h, "GET", `/api/conversations/${id}/messages?limit=1`, { auth: alice })
      expect(history.body.messages[0]).toMatchObject({ id: ack.message.id, text: sent })
      const events = await api(
        h,
        "GET",
        `/api/conversations/${id}/events?after=${ack.message.seq - 1}&limit=1`,
        {
          auth: alice,
        },
      )
      expect(events.body.events[0].data.message.text).toBe(sent)
      const [row] = h.query<{ hex: string; kind: string }>(
        "select hex(text) as hex, typeof(text) as kind from messages where id = ?",
        ack.message.id,
      )
      expect(row).toEqual({ hex: hexOf(sent), kind: "text" })
    }),
    {
      numRuns: 80,
      examples: [
        ["a\tb\r\nc\u007f\u0085", false],
        ["💥".repeat(4000), true],
        ["e\u0301 \ufeff \u202eevil\u202c 🏳️‍🌈 \u{10ffff}", false],
      ],
    },
  )
})
