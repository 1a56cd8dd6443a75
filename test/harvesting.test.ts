/** Adding people must not reveal who exists, their emails, or drag back someone who left or blocked. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test"
import { api, closeAll, connect, createConversation, join, type TestUser } from "./helpers/clients.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

let h: TestServer
beforeAll(async () => {
  h = await startTestServer()
})
afterEach(() => closeAll())
afterAll(() => h.stop())

const UNKNOWN = 1_999_999_999
const create = (by: TestUser, participantIds: number[], type = "group") =>
  api(h, "POST", "/api/conversations", { auth: by, body: { type, participantIds } })
/** A refusal with the ids taken out, to compare two refusals for two different ids. */
const shape = (res: { status: number; body: any }, id: number) => ({
  status: res.status,
  error: { ...res.body.error, message: String(res.body.error?.message).replace(String(id), "<id>") },
})
/** `blocker` blocks (and, with `leave`, leaves) their direct conversation with `other`. */
async function blockDirect(blocker: TestUser, other: TestUser, leave = false) {
  const { body } = await create(blocker, [other.id], "direct")
  expect((await api(h, "POST", `/api/conversations/${body.id}/block`, { auth: blocker })).status).toBe(200)
  if (leave)
    expect((await api(h, "POST", `/api/conversations/${body.id}/leave`, { auth: blocker })).status).toBe(200)
  return body.id as number
}

describe("one answer for ids that do not exist and ids the caller may not add", () => {
  test("creating a group: an unknown id and someone who blocked the caller are refused alike, nobody added", async () => {
    const [eve, bob] = await quickUsers(h, ["eve", "bob"])
    await blockDirect(bob!, eve!)
    const unknown = await create(eve!, [UNKNOWN])
    const blocked = await create(eve!, [bob!.id])
    expect(shape(blocked, bob!.id)).toEqual(shape(unknown, UNKNOWN))
    expect(unknown.body.error).toMatchObject({ code: "BAD_REQUEST", field: "participantIds" })
    expect(h.query("select id from conversations where created_by = ? and type = 'group'", eve!.id)).toEqual(
      [],
    )
  })

  test("adding to a group, over HTTP and sockets: the same refusal for both", async () => {
    const [eve, bob, carol] = await quickUsers(h, ["eve", "bob", "carol"])
    await blockDirect(bob!, eve!)
    const id = await createConversation(h, eve!, [carol!])
    const add = (userIds: number[]) =>
      api(h, "POST", `/api/conversations/${id}/participants`, { auth: eve, body: { userIds } })
    expect(shape(await add([bob!.id]), bob!.id)).toEqual(shape(await add([UNKNOWN]), UNKNOWN))
    const s = await connect(h, eve!)
    const [viaUnknown, viaBlocked] = await Promise.all([
      s.emitWithAck("add_participants", { conversationId: id, userIds: [UNKNOWN] }),
      s.emitWithAck("add_participants", { conversationId: id, userIds: [bob!.id] }),
    ])
    expect(viaBlocked.error.message.replace(String(bob!.id), "<id>")).toBe(
      viaUnknown.error.message.replace(String(UNKNOWN), "<id>"),
    )
    expect(
      h.query(
        "select user_id from conversation_participants where conversation_id = ? and user_id = ?",
        id,
        bob!.id,
      ),
    ).toEqual([])
  })
})

test("other people's emails are never sent: participants, joins, messages, history, conversation_added", async () => {
  const [alice, bob] = await quickUsers(h, ["alice", "bob"])
  const device = await connect(h, bob!)
  const added = waitFor(device, "conversation_added")
  const created = await create(alice!, [bob!.id])
  const id = created.body.id
  const a = await connect(h, alice!)
  const seen: unknown[] = [created.body, await added]
  seen.push(await join(a, id))
  const joined = waitFor(a, "user_joined")
  seen.push(await join(device, id), await joined)
  seen.push(await a.emitWithAck("send_message", { conversationId: id, text: "hello" }))
  for (const path of [
    `/api/conversations/${id}`,
    `/api/conversations/${id}/messages`,
    "/api/conversations",
  ]) {
    seen.push((await api(h, "GET", path, { auth: bob })).body)
  }
  // Neither sees the other's address; each sees their own through /api/me.
  expect(JSON.stringify(seen)).not.toContain(alice!.email)
  expect(JSON.stringify(seen)).not.toContain(bob!.email)
  expect((await api(h, "GET", "/api/me", { auth: bob })).body.user.email).toBe(bob!.email)
})

test("a user who left a group is not added back, and it does not reappear; a removed one may be", async () => {
  const [admin, bob, carol] = await quickUsers(h, ["admin", "bob", "carol"])
  const id = await createConversation(h, admin!, [bob!, carol!])
  expect((await api(h, "POST", `/api/conversations/${id}/leave`, { auth: bob })).status).toBe(200)
  expect(
    (await api(h, "DELETE", `/api/conversations/${id}/participants/${carol!.id}`, { auth: admin })).status,
  ).toBe(200)
  const device = await connect(h, bob!)
  const back = await api(h, "POST", `/api/conversations/${id}/participants`, {
    auth: admin,
    body: { userIds: [bob!.id] },
  })
  expect([back.status, back.body.error?.code]).toEqual([400, "BAD_REQUEST"])
  expect(await nothingWithin(device, "conversation_added", 300)).toBe(true)
  const list = await api(h, "GET", "/api/conversations?includeBlocked=true", { auth: bob })
  expect(list.body.conversations.map((c: { id: number }) => c.id)).not.toContain(id)
  const readmitted = await api(h, "POST", `/api/conversations/${id}/participants`, {
    auth: admin,
    body: { userIds: [carol!.id] },
  })
  expect(readmitted.status).toBe(201)
})

test("a direct conversation one side blocked and left is not re-opened to that side by the other", async () => {
  const [alice, bob] = await quickUsers(h, ["alice", "bob"])
  const id = await blockDirect(bob!, alice!, true)
  const device = await connect(h, bob!)
  const again = await create(alice!, [bob!.id], "direct")
  expect([again.status, again.body.error?.code]).toEqual([400, "BAD_REQUEST"])
  expect(await nothingWithin(device, "conversation_added", 300)).toBe(true)
  expect((await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })).status).toBe(403)
  const [row] = h.query<{ left_at: number | null }>(
    "select left_at from conversation_participants where conversation_id = ? and user_id = ?",
    id,
    bob!.id,
  )
  expect(row!.left_at).not.toBeNull()
  // The blocker may come back on their own, block still in place.
  const mine = await create(bob!, [alice!.id], "direct")
  expect([mine.status, mine.body.id]).toEqual([200, id])
})
