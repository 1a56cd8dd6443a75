import { beforeAll, describe, expect, test } from "bun:test"
import { HISTORY_SQL } from "../src/services/messageRows.ts"
import { api, connect, createConversation, join, signUpAll, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

// The history test posts 120 messages at once: measure paging, not the send throttle.
const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
let alice: TestUser
let bob: TestUser
let eve: TestUser
beforeAll(async () => {
  ;[alice, bob, eve] = await signUpAll(h, ["alice", "bob", "eve"])
})

const count = (sql: string, ...params: number[]) =>
  h.query<{ n: number }>(`select count(*) as n from ${sql}`, ...params)[0]!.n
/** Role by user id: the order of participants is not part of the contract. */
const roles = (list: { id?: number; user_id?: number; role: string }[]) =>
  Object.fromEntries(list.map((p) => [p.id ?? p.user_id, p.role]))
const post = (user: TestUser, conversationId: number, text: string) =>
  api(h, "POST", `/api/conversations/${conversationId}/messages`, { auth: user, body: { text } })

describe("POST /api/conversations", () => {
  test("201 with the id at top level; the creator is admin, the others members", async () => {
    const res = await api(h, "POST", "/api/conversations", {
      auth: alice,
      body: { title: "Team", participantIds: [bob.id, bob.id, alice.id] },
    })
    expect(res.status).toBe(201)
    // Not toMatchObject with expect.any: Bun's overwrites the received value (oven-sh/bun#3521).
    expect(Number.isSafeInteger(res.body.id)).toBe(true)
    expect(res.body).toMatchObject({ title: "Team", createdBy: alice.id })
    expect(res.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(roles(res.body.participants)).toEqual({ [alice.id]: "admin", [bob.id]: "member" })
    // Others' emails are hidden (README, Security): the field stays, empty.
    expect(res.body.participants.find((p: any) => p.id === bob.id).email).toBe("")
    const rows = h.query<{ user_id: number; role: string }>(
      "select user_id, role from conversation_participants where conversation_id = ?",
      res.body.id,
    )
    expect(roles(rows)).toEqual({ [alice.id]: "admin", [bob.id]: "member" })
  })

  test("unknown user ids are 400 naming participantIds, and nothing is created", async () => {
    const before = count("conversations")
    for (const participantIds of [[bob.id, 999_999], [2 ** 40], ["x"], [0], -1, undefined]) {
      const res = await api(h, "POST", "/api/conversations", { auth: alice, body: { participantIds } })
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({
        code: "BAD_REQUEST",
        field: expect.stringMatching(/^participantIds/),
      })
    }
    expect(count("conversations")).toBe(before)
  })

  test("401 without a token", async () => {
    const res = await api(h, "POST", "/api/conversations", { body: { participantIds: [] } })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe("UNAUTHORIZED")
  })
})

describe("GET /api/conversations and /api/conversations/:id", () => {
  test("the list holds mine only, each with its last message", async () => {
    const [carol, dave] = await signUpAll(h, ["carol", "dave"])
    const quiet = await createConversation(h, carol, [dave], "quiet")
    const busy = await createConversation(h, carol, [dave], "busy")
    const secret = await createConversation(h, dave, [], "secret")
    await post(carol, busy, "first")
    const last = (await post(dave, busy, "second")).body.message
    const { status, body } = await api(h, "GET", "/api/conversations", { auth: carol })
    expect(status).toBe(200)
    expect(body.conversations.map((c: any) => c.id).sort()).toEqual([quiet, busy].sort())
    const byId = new Map(body.conversations.map((c: any) => [c.id, c]))
    expect(byId.get(busy)).toMatchObject({ title: "busy", role: "admin", lastMessage: last })
    expect(byId.get(quiet)).toMatchObject({ title: "quiet", lastMessage: null })
    const daves = (await api(h, "GET", "/api/conversations", { auth: dave })).body.conversations
    expect(daves.map((c: any) => c.id).sort()).toEqual([quiet, busy, secret].sort())
    expect(daves.find((c: any) => c.id === busy).role).toBe("member")
  })

  test("one conversation with participants and roles; 403 to a stranger, 404 if unknown, 400 if no id", async () => {
    const id = await createConversation(h, alice, [bob])
    for (const user of [alice, bob]) {
      const res = await api(h, "GET", `/api/conversations/${id}`, { auth: user })
      expect(res.status).toBe(200)
      expect(res.body.id).toBe(id)
      expect(roles(res.body.participants)).toEqual({ [alice.id]: "admin", [bob.id]: "member" })
    }
    const stranger = await api(h, "GET", `/api/conversations/${id}`, { auth: eve })
    expect(stranger).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } })
    expect(JSON.stringify(stranger.body)).not.toContain(alice.email)
    const unknown = await api(h, "GET", "/api/conversations/987654", { auth: alice })
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } })
    for (const bad of ["abc", "0", "-1", "1.5", "1e3", "99999999999999999999"]) {
      const res = await api(h, "GET", `/api/conversations/${bad}`, { auth: alice })
      expect(res).toMatchObject({ status: 400, body: { error: { code: "BAD_REQUEST" } } })
    }
  })
})

describe("GET /api/conversations/:id/messages", () => {
  test("pages newest first; nextBefore chains through every message without gaps or repeats", async () => {
    const id = await createConversation(h, alice, [bob])
    const sent = await Promise.all(
      Array.from({ length: 120 }, (_, i) => post(i % 2 ? bob : alice, id, `m${i}`)),
    )
    expect(sent.every((r) => r.status === 201)).toBe(true)
    const stored = h.query<{ id: number }>(
      "select id from messages where conversation_id = ? order by id desc",
      id,
    )
    expect(stored).toHaveLength(120)

    const first = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })
    expect(first.status).toBe(200)
    expect(first.body.messages).toHaveLength(50) // the default limit
    expect(first.body.nextBefore).toBe(first.body.messages[49].id)

    // 17 leaves a short last page; 40 and 100 end on a full one, which must not be followed by an empty one.
    for (const limit of [17, 40, 100]) {
      const seen: number[] = []
      let before: number | null = null
      let pages = 0
      do {
        const query: string = before === null ? `?limit=${limit}` : `?limit=${limit}&before=${before}`
        const res = await api(h, "GET", `/api/conversations/${id}/messages${query}`, { auth: alice })
        expect(res.status).toBe(200)
        expect(res.body.messages.length).toBe(Math.min(limit, 120 - seen.length))
        seen.push(...res.body.messages.map((m: any) => m.id))
        before = res.body.nextBefore
        pages++
      } while (before !== null)
      expect(pages).toBe(Math.ceil(120 / limit))
      expect(seen).toEqual(stored.map((r) => r.id))
    }
  })

  test("before: the messages with a smaller id, whatever conversation the id is from", async () => {
    const here = await createConversation(h, alice, [bob])
    const there = await createConversation(h, alice, [bob])
    // Interleaved: the ids of one conversation are not consecutive.
    for (let i = 0; i < 12; i++) await post(alice, i % 3 === 0 ? there : here, `m${i}`)
    const ids = (id: number) =>
      h
        .query<{ id: number }>("select id from messages where conversation_id = ? order by id desc", id)
        .map((r) => r.id)
    const mine = ids(here)
    const pageBefore = async (before: number) =>
      (
        await api(h, "GET", `/api/conversations/${here}/messages?limit=100&before=${before}`, { auth: bob })
      ).body.messages.map((m: any) => m.id)
    for (const before of [...ids(there), ...mine, 1, mine[0]! + 1000])
      expect(await pageBefore(before)).toEqual(mine.filter((id) => id < before))
    // Every id around both, one by one, and ids no message has.
    const all = [...mine, ...ids(there)]
    for (let before = Math.min(...all) - 2; before <= Math.max(...all) + 2; before++)
      if (before > 0) expect(await pageBefore(before)).toEqual(mine.filter((id) => id < before))
    for (const before of [Number.MAX_SAFE_INTEGER, 2 ** 40])
      expect(await pageBefore(before)).toEqual(mine.filter((id) => id < before))
    const empty = await createConversation(h, alice, [bob])
    const none = await api(h, "GET", `/api/conversations/${empty}/messages?before=${mine[0]}`, { auth: bob })
    expect(none.body).toEqual({ messages: [], nextBefore: null })
  })

  test("history pages read the (conversation_id, seq) index, never the whole table or a sort", () => {
    const plan = (sql: string, ...args: number[]) =>
      h
        .query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...args)
        .map((r) => r.detail)
        .filter((d) => d.includes(" m ") || d.endsWith(" m") || d.includes("messages"))
    const newest = plan(HISTORY_SQL.newest, 0, 1, 50)
    const before = plan(HISTORY_SQL.before, 0, 1, 5, 50)
    for (const steps of [newest, before]) {
      expect(steps.some((d) => /^SEARCH m USING (COVERING )?INDEX messages_conversation_seq/.test(d))).toBe(
        true,
      )
      expect(steps.filter((d) => /^SCAN (m|messages)\b/.test(d))).toEqual([])
      expect(steps.join("; ")).not.toContain("TEMP B-TREE")
    }
    // The id given finds its seq through the rowid.
    expect(before.some((d) => /^SEARCH messages USING INTEGER PRIMARY KEY \(rowid=\?\)/.test(d))).toBe(true)
    // An id that is not the conversation's is placed on its index too: walking the rowids from it to the
    // conversation's next message reads the rest of the table when the conversation has none after it.
    for (const d of before.filter((d) => /\bmessages\b/.test(d)))
      expect(d).toMatch(
        /USING (INTEGER PRIMARY KEY \(rowid=\?\)|(COVERING )?INDEX messages_conversation_seq \(conversation_id=\?)/,
      )
  })

  test("limit is 1..100; anything else is 400; strangers get 403", async () => {
    const id = await createConversation(h, alice, [bob])
    await Promise.all(Array.from({ length: 3 }, (_, i) => post(alice, id, `x${i}`)))
    const one = await api(h, "GET", `/api/conversations/${id}/messages?limit=1`, { auth: alice })
    expect(one.body.messages).toHaveLength(1)
    const hundred = await api(h, "GET", `/api/conversations/${id}/messages?limit=100`, { auth: alice })
    expect(hundred.body).toMatchObject({ nextBefore: null })
    expect(hundred.body.messages).toHaveLength(3)
    for (const q of [
      "limit=0",
      "limit=101",
      "limit=-1",
      "limit=abc",
      "limit=1.5",
      "limit=",
      "before=0",
      "before=x",
    ]) {
      const res = await api(h, "GET", `/api/conversations/${id}/messages?${q}`, { auth: alice })
      expect(res).toMatchObject({ status: 400, body: { error: { code: "BAD_REQUEST" } } })
    }
    const stranger = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: eve })
    expect(stranger).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } })
  })

  test("history has the same message shape as the socket's new_message", async () => {
    const id = await createConversation(h, alice, [bob])
    const a = await connect(h, alice)
    await join(a, id)
    const original = await a.emitWithAck("send_message", { conversationId: id, text: "hello" })
    const reply = await a.emitWithAck("send_message", {
      conversationId: id,
      audioUrl: "https://example.com/a.mp3",
      replyToMessageId: original.message.id,
    })
    const res = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: bob })
    expect(res.body.messages).toEqual([reply.message, original.message])
  })
})

describe("POST /api/conversations/:id/messages", () => {
  test("201, stored, and broadcast as new_message to joined sockets only", async () => {
    const id = await createConversation(h, alice, [bob])
    const [a, b, bIdle] = await Promise.all([connect(h, alice), connect(h, bob), connect(h, bob)])
    await Promise.all([join(a, id), join(b, id)])
    const [res, gotA, gotB, idle] = await Promise.all([
      post(bob, id, "  over http  "),
      waitFor(a, "new_message"),
      waitFor(b, "new_message"),
      nothingWithin(bIdle, "new_message", 300),
    ])
    expect(res.status).toBe(201)
    expect(res.body.message).toMatchObject({ conversationId: id, text: "over http", sender: { id: bob.id } })
    expect(gotA).toEqual({ conversationId: id, seq: res.body.message.seq, message: res.body.message })
    expect(gotB).toEqual(gotA)
    expect(idle).toBe(true)
    expect(h.query("select text, sender_id from messages where id = ?", res.body.message.id)).toEqual([
      { text: "over http", sender_id: bob.id },
    ])
  })

  test("a stranger gets 403, bad input 400, and nothing is stored", async () => {
    const id = await createConversation(h, alice, [bob])
    const before = count("messages")
    expect((await post(eve, id, "let me in")).status).toBe(403)
    const empty = await api(h, "POST", `/api/conversations/${id}/messages`, {
      auth: alice,
      body: { text: " " },
    })
    expect(empty).toMatchObject({ status: 400, body: { error: { code: "BAD_REQUEST", field: "text" } } })
    const junk = await api(h, "POST", `/api/conversations/${id}/messages`, { auth: alice, rawBody: "nope" })
    expect(junk.status).toBe(400)
    expect((await post(alice, 987654, "void")).status).toBe(404)
    expect(count("messages")).toBe(before)
  })
})
