import { expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { connect, createConversation, join } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer({ RATE_LIMIT_TYPING_PER_SECOND: "1", RATE_LIMIT_TYPING_BURST: "4" })

const typing = (s: Socket, conversationId: number, state: unknown) =>
  s.timeout(5000).emitWithAck("typing", { conversationId, state })

/** Alice on two devices and Bob, all in one conversation's room; Eve connected elsewhere. */
async function cast() {
  const [alice, bob, eve] = await quickUsers(h, ["alice", "bob", "eve"])
  const id = await createConversation(h, alice!, [bob!])
  const [a, a2, b, e] = await Promise.all([
    connect(h, alice!),
    connect(h, alice!),
    connect(h, bob!),
    connect(h, eve!),
  ])
  await Promise.all([join(a, id), join(a2, id), join(b, id)])
  return { id, alice: alice!, a, a2, b, e }
}

test("others in the room hear typing, recording and stopped; the typist's own devices do not; nothing is stored", async () => {
  const { id, alice, a, a2, b } = await cast()
  const before = h.query("select last_seq from conversations where id = ?", id)
  for (const state of ["typing", "recording", "stopped"]) {
    const [ack, heard, own, other] = await Promise.all([
      typing(a, id, state),
      waitFor(b, "typing"),
      nothingWithin(a, "typing", 150),
      nothingWithin(a2, "typing", 150),
    ])
    expect(ack).toEqual({ ok: true, conversationId: id, state })
    expect(heard).toEqual({ conversationId: id, userId: alice.id, state })
    expect([own, other]).toEqual([true, true])
  }
  // Stopping what is not going on tells nobody.
  const [ack, silent] = await Promise.all([typing(a, id, "stopped"), nothingWithin(b, "typing", 200)])
  expect(ack.ok).toBe(true)
  expect(silent).toBe(true)
  expect(h.query("select last_seq from conversations where id = ?", id)).toEqual(before)
})

test("a message sent ends its author's indicator", async () => {
  const { id, alice, a, b } = await cast()
  await Promise.all([typing(a, id, "typing"), waitFor(b, "typing")])
  const [stopped, message] = await Promise.all([
    waitFor(b, "typing"),
    waitFor(b, "new_message"),
    a.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "done typing" }),
  ])
  expect(stopped).toEqual({ conversationId: id, userId: alice.id, state: "stopped" })
  expect(message.message.text).toBe("done typing")
})

test("the disconnect of the device that was typing ends it; another device's does not", async () => {
  const { id, alice, a, a2, b } = await cast()
  await Promise.all([typing(a, id, "recording"), waitFor(b, "typing")])
  a2.close()
  expect(await nothingWithin(b, "typing", 200)).toBe(true)
  const stopped = waitFor(b, "typing")
  a.close()
  expect(await stopped).toEqual({ conversationId: id, userId: alice.id, state: "stopped" })
})

test("an indicator nobody refreshes expires by itself", async () => {
  const { id, alice, a, b } = await cast()
  await Promise.all([typing(a, id, "typing"), waitFor(b, "typing")])
  expect(await waitFor(b, "typing", () => true, 10_000)).toEqual({
    conversationId: id,
    userId: alice.id,
    state: "stopped",
  })
})

test("rate-limited; refused to a stranger; a bad payload is BAD_REQUEST naming the field", async () => {
  const { id, a, b, e } = await cast()
  for (let i = 0; i < 4; i++) expect((await typing(a, id, "typing")).ok).toBe(true)
  const limited = await typing(a, id, "typing")
  expect(limited.error).toMatchObject({ code: "RATE_LIMITED" })
  expect(limited.error.retryAfterMs).toBeGreaterThan(0)
  expect((await typing(e, id, "typing")).error.code).toBe("FORBIDDEN")
  for (const [payload, field] of [
    [{ conversationId: id, state: "dancing" }, "state"],
    [{ conversationId: id }, "state"],
    [{ state: "typing" }, "conversationId"],
    [{ conversationId: -1, state: "typing" }, "conversationId"],
  ] as const) {
    const ack = await b.timeout(5000).emitWithAck("typing", payload)
    expect(ack.error).toMatchObject({ code: "BAD_REQUEST", field })
  }
})
