import { describe, expect, test } from "bun:test"
import { api, connect, createConversation, join, signUp, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const h = useTestServer()

const users = async (...names: string[]): Promise<TestUser[]> => Promise.all(names.map((n) => signUp(h, n)))
const roles = (id: number) =>
  h.query<{ user_id: number; role: string; left: number }>(
    "select user_id, role, left_at is not null as left from conversation_participants where conversation_id = ? order by user_id",
    id,
  )

describe("direct conversations", () => {
  test("one per pair: creating it again returns the same one; no admin", async () => {
    const [a, b] = await users("dana", "dan")
    const first = await api(h, "POST", "/api/conversations", {
      auth: a!,
      body: { type: "direct", participantIds: [b!.id] },
    })
    const again = await api(h, "POST", "/api/conversations", {
      auth: b!,
      body: { type: "direct", participantIds: [a!.id] },
    })
    expect(first.status).toBe(201)
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(first.body.id)
    expect(first.body.type).toBe("direct")
    expect(roles(first.body.id).map((r) => r.role)).toEqual(["member", "member"])
    const three = await api(h, "POST", "/api/conversations", {
      auth: a!,
      body: { type: "direct", participantIds: [b!.id, a!.id + 1000] },
    })
    expect(three.body.error.code).toBe("BAD_REQUEST")
    const add = await api(h, "POST", `/api/conversations/${first.body.id}/participants`, {
      auth: a!,
      body: { userIds: [b!.id] },
    })
    expect(add.status).toBe(403)
  })
})

describe("admins manage a group", () => {
  test("add: the room hears participant_added, the new member's devices hear conversation_added", async () => {
    const [admin, member, newcomer] = await users("ada", "max", "nico")
    const id = await createConversation(h, admin!, [member!])
    const [sa, sm, sn1, sn2] = await Promise.all([
      connect(h, admin!),
      connect(h, member!),
      connect(h, newcomer!),
      connect(h, newcomer!),
    ])
    await Promise.all([join(sa!, id), join(sm!, id)])
    const [ack, inRoom, device1, device2] = await Promise.all([
      sa!.emitWithAck("add_participants", { conversationId: id, userIds: [newcomer!.id] }),
      waitFor(sm!, "participant_added"),
      waitFor(sn1!, "conversation_added"),
      waitFor(sn2!, "conversation_added"),
    ])
    expect(ack.ok).toBe(true)
    expect(ack.added.map((p: { id: number }) => p.id)).toEqual([newcomer!.id])
    expect(inRoom).toMatchObject({
      conversationId: id,
      participant: { id: newcomer!.id, role: "member" },
      by: { id: admin!.id },
    })
    expect(device1.conversation.id).toBe(id)
    expect(device2.conversation.participants.map((p: { id: number }) => p.id).sort()).toEqual(
      [admin!.id, member!.id, newcomer!.id].sort(),
    )
    // Without reconnecting, the new member can join and talk.
    expect((await join(sn1!, id)).ok).toBe(true)
  })

  test("members get FORBIDDEN for every admin action, and nothing changes", async () => {
    const [admin, member, other] = await users("ana", "mia", "oli")
    const id = await createConversation(h, admin!, [member!], "before")
    const s = await connect(h, member!)
    const before = roles(id)
    const acks = await Promise.all([
      s.emitWithAck("add_participants", { conversationId: id, userIds: [other!.id] }),
      s.emitWithAck("remove_participant", { conversationId: id, userId: admin!.id }),
      s.emitWithAck("change_role", { conversationId: id, userId: member!.id, role: "admin" }),
      s.emitWithAck("update_conversation", { conversationId: id, title: "hacked" }),
    ])
    for (const ack of acks) expect(ack.error.code).toBe("FORBIDDEN")
    const http = await Promise.all([
      api(h, "POST", `/api/conversations/${id}/participants`, {
        auth: member!,
        body: { userIds: [other!.id] },
      }),
      api(h, "DELETE", `/api/conversations/${id}/participants/${admin!.id}`, { auth: member! }),
      api(h, "PATCH", `/api/conversations/${id}/participants/${member!.id}`, {
        auth: member!,
        body: { role: "admin" },
      }),
      api(h, "PATCH", `/api/conversations/${id}`, { auth: member!, body: { title: "hacked" } }),
    ])
    for (const res of http) expect([res.status, res.body.error.code]).toEqual([403, "FORBIDDEN"])
    expect(roles(id)).toEqual(before)
    expect(h.query("select title from conversations where id = ?", id)).toEqual([{ title: "before" }])
  })

  test("promote, demote, rename reach the room; the last admin cannot demote themself", async () => {
    const [admin, member] = await users("amy", "ben")
    const id = await createConversation(h, admin!, [member!])
    const [sa, sm] = await Promise.all([connect(h, admin!), connect(h, member!)])
    await Promise.all([join(sa!, id), join(sm!, id)])
    const lonely = await sa!.emitWithAck("change_role", {
      conversationId: id,
      userId: admin!.id,
      role: "member",
    })
    expect(lonely.error.code).toBe("BAD_REQUEST")
    const [ack, seen] = await Promise.all([
      api(h, "PATCH", `/api/conversations/${id}/participants/${member!.id}`, {
        auth: admin!,
        body: { role: "admin" },
      }),
      waitFor(sm!, "role_changed"),
    ])
    expect(ack.status).toBe(200)
    expect(seen).toMatchObject({
      conversationId: id,
      userId: member!.id,
      role: "admin",
      by: { id: admin!.id },
    })
    const [renamed, update] = await Promise.all([
      sm!.emitWithAck("update_conversation", { conversationId: id, title: "Renamed" }),
      waitFor(sa!, "conversation_updated"),
    ])
    expect(renamed.ok).toBe(true)
    expect(update).toMatchObject({ conversationId: id, title: "Renamed", by: { id: member!.id } })
    expect(h.query("select title from conversations where id = ?", id)).toEqual([{ title: "Renamed" }])
  })

  test("a removed member's every device leaves the room at once and receives no later message", async () => {
    const [admin, gone, stays] = await users("al", "gus", "sue")
    const id = await createConversation(h, admin!, [gone!, stays!])
    const [sa, g1, g2, ss] = await Promise.all([
      connect(h, admin!),
      connect(h, gone!),
      connect(h, gone!),
      connect(h, stays!),
    ])
    await Promise.all([join(sa!, id), join(g1!, id), join(g2!, id), join(ss!, id)])
    const [removed, told1, told2] = await Promise.all([
      sa!.emitWithAck("remove_participant", { conversationId: id, userId: gone!.id }),
      waitFor(g1!, "participant_removed"),
      waitFor(g2!, "participant_removed"),
    ])
    expect(removed.ok).toBe(true)
    expect(told1).toMatchObject({ conversationId: id, userId: gone!.id, reason: "removed" })
    expect(told2.userId).toBe(gone!.id)
    const [sent, heard, leak1, leak2] = await Promise.all([
      sa!.emitWithAck("send_message", { conversationId: id, text: "after removal" }),
      waitFor(ss!, "new_message"),
      nothingWithin(g1!, "new_message", 400),
      nothingWithin(g2!, "new_message", 400),
    ])
    expect(sent.ok).toBe(true)
    expect(heard.message.text).toBe("after removal")
    expect([leak1, leak2]).toEqual([true, true])
    const retry = await g1!.emitWithAck("join_conversation", { conversationId: id })
    expect(retry.error.code).toBe("FORBIDDEN")
    const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: gone! })
    expect(history.status).toBe(403)
  })
})

describe("leaving for good", () => {
  test("history stays; the last admin hands over to the longest-standing member; the last one archives", async () => {
    const [admin, first, second] = await users("lea", "fred", "sam")
    const id = await createConversation(h, admin!, [first!])
    await api(h, "POST", `/api/conversations/${id}/participants`, {
      auth: admin!,
      body: { userIds: [second!.id] },
    })
    await api(h, "POST", `/api/conversations/${id}/messages`, { auth: admin!, body: { text: "I was here" } })
    const sf = await connect(h, first!)
    await join(sf, id)
    const [left, promoted] = await Promise.all([
      api(h, "POST", `/api/conversations/${id}/leave`, { auth: admin! }),
      waitFor(sf, "role_changed"),
    ])
    expect(left.status).toBe(200)
    expect(promoted).toMatchObject({ conversationId: id, userId: first!.id, role: "admin" })
    expect(roles(id).find((r) => r.user_id === admin!.id)?.left).toBe(1)
    const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: second! })
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(["I was here"])
    expect((await api(h, "GET", `/api/conversations/${id}`, { auth: admin! })).status).toBe(403)
    expect((await sf.emitWithAck("quit_conversation", { conversationId: id })).ok).toBe(true)
    await api(h, "POST", `/api/conversations/${id}/leave`, { auth: second! })
    expect(h.query("select archived_at is not null as archived from conversations where id = ?", id)).toEqual(
      [{ archived: 1 }],
    )
  })
})
