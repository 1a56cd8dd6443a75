import { describe, expect, test } from "bun:test"
import { connect, createConversation, join, signUp } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const h = useTestServer()

describe("the seed protocol", () => {
  test("a member receives the message; a stranger does not", async () => {
    const [alice, bob, eve] = await Promise.all(["alice", "bob", "eve"].map((n) => signUp(h, n)))
    const id = await createConversation(h, alice!, [bob!])
    const [a, b, e] = await Promise.all([alice!, bob!, eve!].map((u) => connect(h, u)))
    await Promise.all([join(a!, id), join(b!, id)])
    const [ack, got, leaked] = await Promise.all([
      a!.emitWithAck("send_message", { conversationId: id, text: "hi" }),
      waitFor(b!, "new_message"),
      nothingWithin(e!, "new_message", 300),
    ])
    // Exactly the documented acknowledgement and broadcast: nothing more, nothing less.
    expect(ack).toEqual({
      ok: true,
      duplicate: false,
      message: {
        id: expect.any(Number),
        conversationId: id,
        seq: expect.any(Number),
        text: "hi",
        audioUrl: null,
        replyToMessageId: null,
        clientMessageId: null,
        sender: { id: alice!.id, email: "", displayName: "alice" },
        createdAt: expect.any(String),
        editedAt: null,
        deletedAt: null,
        deletedBy: null,
        reactions: [],
        replyTo: null,
        attachments: [],
      },
    })
    expect(got).toEqual({ conversationId: id, seq: ack.message.seq, message: ack.message })
    expect(got.message.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(leaked).toBe(true)
    expect(h.query("select text, sender_id from messages where id = ?", ack.message.id)).toEqual([
      { text: "hi", sender_id: alice!.id },
    ])
  })

  test("join: conversation_joined to the joiner with participants, user_joined to the others", async () => {
    const [alice, bob] = await Promise.all(["alice", "bob"].map((n) => signUp(h, n)))
    const id = await createConversation(h, alice!, [bob!])
    const [a, b] = await Promise.all([connect(h, alice!), connect(h, bob!)])
    await join(a!, id)
    const [joined, ack, seen] = await Promise.all([
      waitFor(b!, "conversation_joined"),
      join(b!, id),
      waitFor(a!, "user_joined"),
    ])
    expect(joined.conversationId).toBe(id)
    expect(typeof joined.message).toBe("string")
    expect(joined.participants.map((p: any) => [p.id, p.role]).sort()).toEqual(
      [
        [alice!.id, "admin"],
        [bob!.id, "member"],
      ].sort(),
    )
    expect(ack).toMatchObject({ ok: true, conversationId: id })
    expect(seen).toEqual({ conversationId: id, user: { id: bob!.id, email: "", displayName: "bob" } })
  })
})
