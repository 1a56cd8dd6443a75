import { expect, test } from "bun:test"
import { api, connect, createConversation, join, signUp, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const h = useTestServer()

const users = async (...names: string[]): Promise<TestUser[]> => Promise.all(names.map((n) => signUp(h, n)))
const count = (id: number) =>
  h.query<{ n: number }>("select count(*) as n from messages where conversation_id = ?", id)[0]!.n

test("a blocked direct conversation refuses sends from both sides until the blocker unblocks; nothing is lost", async () => {
  const [a, b] = await users("blocker", "blocked")
  const { body } = await api(h, "POST", "/api/conversations", {
    auth: a!,
    body: { type: "direct", participantIds: [b!.id] },
  })
  const id = body.id as number
  const [sa, sb] = await Promise.all([connect(h, a!), connect(h, b!)])
  await Promise.all([join(sa!, id), join(sb!, id)])
  expect((await sb!.emitWithAck("send_message", { conversationId: id, text: "before" })).ok).toBe(true)

  const [blocked, ownDevice, otherTold] = await Promise.all([
    api(h, "POST", `/api/conversations/${id}/block`, { auth: a! }),
    waitFor(sa!, "conversation_blocked"),
    nothingWithin(sb!, "conversation_blocked", 300),
  ])
  expect(blocked.body).toEqual({ conversationId: id, blocked: true, blockedByOther: false })
  expect(ownDevice).toEqual({ conversationId: id })
  expect(otherTold).toBe(true)
  for (const s of [sa!, sb!]) {
    const ack = await s.emitWithAck("send_message", { conversationId: id, text: "during" })
    expect(ack.error.code).toBe("FORBIDDEN")
    expect(ack.error.message).toMatch(/blocked/)
  }
  const viaHttp = await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: b!,
    body: { text: "during" },
  })
  expect(viaHttp.status).toBe(403)
  expect(count(id)).toBe(1)
  // Only the blocker can lift it; the other side is told so.
  const notMine = await api(h, "DELETE", `/api/conversations/${id}/block`, { auth: b! })
  expect(notMine.body).toEqual({ conversationId: id, blocked: false, blockedByOther: true })
  // Both sides can still open the room and read; only sending is stopped.
  expect((await join(sb!, id)).ok).toBe(true)
  expect((await sb!.emitWithAck("send_message", { conversationId: id, text: "still" })).ok).toBe(false)
  expect((await sa!.emitWithAck("unblock_conversation", { conversationId: id })).blocked).toBe(false)
  expect((await sb!.emitWithAck("send_message", { conversationId: id, text: "after" })).ok).toBe(true)
  const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: a! })
  expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(["after", "before"])
})

test("blocking a group: the blocker hears nothing and it leaves their list; the others are not told", async () => {
  const [owner, blocker, other] = await users("owner", "muted", "other")
  const id = await createConversation(h, owner!, [blocker!, other!])
  const [so, sb, sx] = await Promise.all([connect(h, owner!), connect(h, blocker!), connect(h, other!)])
  await Promise.all([join(so!, id), join(sb!, id), join(sx!, id)])
  const [ack, ownerTold] = await Promise.all([
    sb!.emitWithAck("block_conversation", { conversationId: id }),
    nothingWithin(so!, "conversation_blocked", 300),
  ])
  expect(ack).toEqual({ ok: true, conversationId: id, blocked: true, blockedByOther: false })
  expect(ownerTold).toBe(true)
  const [sent, heard, leaked] = await Promise.all([
    so!.emitWithAck("send_message", { conversationId: id, text: "you won't hear this" }),
    waitFor(sx!, "new_message"),
    nothingWithin(sb!, "new_message", 400),
  ])
  expect(sent.ok).toBe(true)
  expect(heard.message.text).toBe("you won't hear this")
  expect(leaked).toBe(true)
  expect((await sb!.emitWithAck("join_conversation", { conversationId: id })).error.code).toBe("FORBIDDEN")

  const list = await api(h, "GET", "/api/conversations", { auth: blocker! })
  expect(list.body.conversations.map((c: { id: number }) => c.id)).not.toContain(id)
  const all = await api(h, "GET", "/api/conversations?includeBlocked=true", { auth: blocker! })
  expect(all.body.conversations.find((c: { id: number }) => c.id === id)?.blocked).toBe(true)

  await api(h, "DELETE", `/api/conversations/${id}/block`, { auth: blocker! })
  expect((await join(sb!, id)).ok).toBe(true)
  const page = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: blocker! })
  expect(page.body.messages[0].text).toBe("you won't hear this")
})
