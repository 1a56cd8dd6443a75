/**
 * A participant's own mute: PATCH /api/conversations/:id/me {mutedUntil}, heard by their other devices
 * (no one else), shown in their conversation list and detail, gone once past; unread counts go on.
 */
import { expect, test } from "bun:test"
import { api, connect, createConversation, signUpAll, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const h = useTestServer()

const mute = (user: TestUser, id: number, mutedUntil: unknown) =>
  api(h, "PATCH", `/api/conversations/${id}/me`, { auth: user, body: { mutedUntil } })
const listed = async (user: TestUser, id: number) =>
  (await api(h, "GET", "/api/conversations", { auth: user })).body.conversations.find((c: any) => c.id === id)

test("mute until a time: the answer, my other device hears it, my list and the detail show it; others see nothing", async () => {
  const [ann, bob] = await signUpAll(h, ["ann", "bob"])
  const id = await createConversation(h, ann, [bob])
  const [phone, laptop, bobs] = await Promise.all([connect(h, ann), connect(h, ann), connect(h, bob)])
  const until = new Date(Date.now() + 8 * 3600_000)
  const [res, heard, onPhone, leaked] = await Promise.all([
    mute(ann, id, until.toISOString().replace("Z", "+00:00")),
    waitFor(laptop, "conversation_muted"),
    waitFor(phone, "conversation_muted"),
    nothingWithin(bobs, "conversation_muted", 300),
  ])
  expect([res.status, res.body]).toEqual([200, { conversationId: id, mutedUntil: until.toISOString() }])
  expect(heard).toEqual({ conversationId: id, mutedUntil: until.toISOString() })
  expect(onPhone).toEqual(heard)
  expect(leaked).toBe(true)
  expect((await listed(ann, id)).mutedUntil).toBe(until.toISOString())
  expect((await listed(bob, id)).mutedUntil).toBeNull()
  const detail = await api(h, "GET", `/api/conversations/${id}`, { auth: ann })
  expect(detail.body).toMatchObject({ id, mutedUntil: until.toISOString() })
  expect(
    h.query(
      "select user_id, muted_until from conversation_participants where conversation_id = ? order by user_id",
      id,
    ),
  ).toEqual(
    // Registered at once: either may have the lower id.
    [
      { user_id: ann.id, muted_until: until.getTime() },
      { user_id: bob.id, muted_until: null },
    ].sort((x, y) => x.user_id - y.user_id),
  )

  // Muted still counts unread.
  await api(h, "POST", `/api/conversations/${id}/messages`, { auth: bob, body: { text: "hello?" } })
  expect((await listed(ann, id)).unreadCount).toBe(1)

  const [unmuted, cleared] = await Promise.all([mute(ann, id, null), waitFor(laptop, "conversation_muted")])
  expect(unmuted.body).toEqual({ conversationId: id, mutedUntil: null })
  expect(cleared).toEqual({ conversationId: id, mutedUntil: null })
  expect((await listed(ann, id)).mutedUntil).toBeNull()
})

test("a time already past answers null (not muted); bad values are BAD_REQUEST naming mutedUntil; strangers are refused", async () => {
  const [ann, bob, eve] = await signUpAll(h, ["ann", "bob", "eve"])
  const id = await createConversation(h, ann, [bob])
  const past = await mute(ann, id, "2020-01-01T00:00:00Z")
  expect(past.body).toEqual({ conversationId: id, mutedUntil: null })
  expect((await api(h, "GET", `/api/conversations/${id}`, { auth: ann })).body.mutedUntil).toBeNull()
  for (const bad of ["tomorrow", 12, "2026-13-01T00:00:00Z", undefined]) {
    const res = await mute(ann, id, bad)
    expect([res.status, res.body.error.code, res.body.error.field]).toEqual([
      400,
      "BAD_REQUEST",
      "mutedUntil",
    ])
  }
  const stranger = await mute(eve, id, null)
  expect([stranger.status, stranger.body.error.code]).toEqual([403, "FORBIDDEN"])
  expect((await mute(ann, 2_000_000_000, null)).status).toBe(404)
  expect(
    h.query("select count(*) as n from conversation_participants where muted_until is not null"),
  ).toEqual([{ n: 0 }])
})
