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

const room = () => twoMembersAndAStranger(h, alice, bob, eve)
const send = (s: Socket, payload: object) => s.timeout(5000).emitWithAck("send_message", payload)

describe("joining", () => {
  test("joining twice acknowledges twice but announces once", async () => {
    const { id, a, b } = await room()
    const [again, silent] = await Promise.all([join(b, id), nothingWithin(a, "user_joined", 300)])
    expect(again).toMatchObject({ ok: true, conversationId: id })
    expect(silent).toBe(true)
  })

  test("a stranger cannot: FORBIDDEN in the ack and the error event; unknown conversation NOT_FOUND", async () => {
    const { id, e } = await room()
    const [ack, error] = await Promise.all([join(e, id), waitFor(e, "error")])
    expect(ack).toEqual({ ok: false, error: { code: "FORBIDDEN", message: ack.error.message } })
    expect(error).toEqual({ code: "FORBIDDEN", message: ack.error.message, event: "join_conversation" })
    const missing = await join(e, 987654)
    expect(missing.error.code).toBe("NOT_FOUND")
  })
})

describe("leaving and disconnecting", () => {
  test("leave: conversation_left to the leaver, user_left to the others, then nothing more for the leaver", async () => {
    const { id, a, b } = await room()
    const [ack, left, seen] = await Promise.all([
      b.emitWithAck("leave_conversation", { conversationId: id }),
      waitFor(b, "conversation_left"),
      waitFor(a, "user_left"),
    ])
    expect(ack).toEqual({ ok: true, conversationId: id })
    expect(left).toEqual({ conversationId: id })
    expect(seen).toEqual({ conversationId: id, user: { id: bob.id, email: "", displayName: "bob" } })
    const [sent, silent] = await Promise.all([
      send(a, { conversationId: id, text: "still there?" }),
      nothingWithin(b, "new_message", 300),
    ])
    expect(sent.ok).toBe(true)
    expect(silent).toBe(true)
    const stranger = await connect(h, eve)
    const leave = (conversationId: number) => stranger.emitWithAck("leave_conversation", { conversationId })
    expect((await leave(id)).error.code).toBe("FORBIDDEN")
    expect((await leave(987654)).error.code).toBe("NOT_FOUND")
  })

  test("a disconnect sends user_left to every room the socket was in", async () => {
    const { id, a, b } = await room()
    const second = await createConversation(h, bob, [eve])
    const e = await connect(h, eve)
    await Promise.all([join(b, second), join(e, second)])
    const bobUser = { id: bob.id, email: "", displayName: "bob" }
    const seen = Promise.all([waitFor(a, "user_left"), waitFor(e, "user_left")])
    b.disconnect()
    expect(await seen).toEqual([
      { conversationId: id, user: bobUser },
      { conversationId: second, user: bobUser },
    ])
  })
})
