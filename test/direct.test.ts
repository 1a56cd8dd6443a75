import { expect, test } from "bun:test"
import { api, connect, join, signUp } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"

const h = useTestServer()

const active = (id: number) =>
  h
    .query<{ user_id: number }>(
      "select user_id from conversation_participants where conversation_id = ? and left_at is null order by user_id",
      id,
    )
    .map((r) => r.user_id)

test("a pair keeps one direct conversation: asking for it again after a side left admits that side back", async () => {
  const [a, b] = await Promise.all([signUp(h, "stay"), signUp(h, "goes")])
  const first = await api(h, "POST", "/api/conversations", {
    auth: a,
    body: { type: "direct", participantIds: [b.id] },
  })
  const id = first.body.id as number
  await api(h, "POST", `/api/conversations/${id}/messages`, { auth: b, body: { text: "before I go" } })
  expect((await api(h, "POST", `/api/conversations/${id}/leave`, { auth: b })).status).toBe(200)
  expect(active(id)).toEqual([a.id])

  // The one who left asks for it again: admitted back, same conversation, history intact.
  const back = await api(h, "POST", "/api/conversations", {
    auth: b,
    body: { type: "direct", participantIds: [a.id] },
  })
  expect([back.status, back.body.id]).toEqual([200, id])
  expect(active(id)).toEqual([a.id, b.id].sort((x, y) => x - y))
  const history = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: b })
  expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(["before I go"])

  // The one who stayed asks for it after the other left again: the other's devices hear of it.
  await api(h, "POST", `/api/conversations/${id}/leave`, { auth: b })
  const device = await connect(h, b)
  const [again, added] = await Promise.all([
    api(h, "POST", "/api/conversations", { auth: a, body: { type: "direct", participantIds: [b.id] } }),
    waitFor(device, "conversation_added"),
  ])
  expect(again.body.id).toBe(id)
  expect(added).toMatchObject({ conversation: { id, type: "direct" }, by: { id: a.id } })
  expect((await join(device, id)).ok).toBe(true)
  const sent = await device.emitWithAck("send_message", { conversationId: id, text: "back" })
  expect(sent.ok).toBe(true)
})

test("the last side leaving archives it; asking again brings it back", async () => {
  const [a, b] = await Promise.all([signUp(h, "one"), signUp(h, "two")])
  const { body } = await api(h, "POST", "/api/conversations", {
    auth: a,
    body: { type: "direct", participantIds: [b.id] },
  })
  await api(h, "POST", `/api/conversations/${body.id}/leave`, { auth: a })
  await api(h, "POST", `/api/conversations/${body.id}/leave`, { auth: b })
  const archived = () =>
    h.query<{ a: number }>("select archived_at is not null as a from conversations where id = ?", body.id)[0]!
      .a
  expect(archived()).toBe(1)
  const again = await api(h, "POST", "/api/conversations", {
    auth: a,
    body: { type: "direct", participantIds: [b.id] },
  })
  expect([again.status, again.body.id, again.body.archivedAt]).toEqual([200, body.id, null])
  expect(archived()).toBe(0)
  expect(active(body.id).length).toBe(2)
})
