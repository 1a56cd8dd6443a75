/**
 * Strings that could not be stored as sent (NUL, other C0 controls, lone surrogates) are refused
 * with BAD_REQUEST naming the field, wherever a client sends them; nothing is stored.
 */
import { describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connectAll, createConversation, join, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin } from "./helpers/wait.ts"
import { QUICK_PASSWORD, quickUsers, snapshot } from "./helpers/world.ts"

const h = useTestServer({ LOGIN_MAX_FAILURES: "0" })

/** Each bad string, named for what it holds. */
const BAD: [string, string][] = [
  ["NUL", "a\u0000b"],
  ["BEL", "a\u0007b"],
  ["escape sequence", "\u001b[31mred"],
  ["vertical tab", "a\u000bb"],
  ["form feed", "a\u000cb"],
  ["unit separator", "a\u001fb"],
  ["lone high surrogate", "a\ud800b"],
  ["lone low surrogate", "\udc00z"],
  ["surrogates reversed", "\udc00\ud800"],
  ["high surrogate at the end", "emoji \ud83d"],
]

const refused = (field: string) => ({ ok: false, error: { code: "BAD_REQUEST", field } })
const refusedOverHttp = (field: string) => ({ status: 400, body: { error: { code: "BAD_REQUEST", field } } })

describe("refused strings", () => {
  test.each(BAD)("%s: in text, audioUrl and titles, over sockets and HTTP", async (_, bad) => {
    const [alice, bob] = await quickUsers(h, ["alice", "bob"])
    const id = await createConversation(h, alice, [bob])
    const [a, b] = await connectAll(h, [alice, bob])
    await Promise.all([join(a, id), join(b, id)])
    const emit = (s: Socket, event: string, payload: object) => s.timeout(5000).emitWithAck(event, payload)
    const as = (user: TestUser, method: string, path: string, body: object) =>
      api(h, method, path, { auth: user, body })
    const before = snapshot(h)
    const quiet = nothingWithin(b, "new_message", 300)

    expect(await emit(a, "send_message", { conversationId: id, text: bad })).toMatchObject(refused("text"))
    expect(await emit(a, "send_message", { conversationId: id, text: `ok ${bad} ok` })).toMatchObject(
      refused("text"),
    )
    const audioUrl = `https://cdn.example.test/voice${bad}.ogg`
    expect(await emit(a, "send_message", { conversationId: id, audioUrl })).toMatchObject(refused("audioUrl"))
    const post = `/api/conversations/${id}/messages`
    expect(await as(alice, "POST", post, { text: bad })).toMatchObject(refusedOverHttp("text"))
    expect(await as(alice, "POST", post, { audioUrl })).toMatchObject(refusedOverHttp("audioUrl"))

    expect(await emit(a, "update_conversation", { conversationId: id, title: bad })).toMatchObject(
      refused("title"),
    )
    expect(await as(alice, "PATCH", `/api/conversations/${id}`, { title: bad })).toMatchObject(
      refusedOverHttp("title"),
    )
    const create = { title: `team ${bad}`, participantIds: [bob.id] }
    expect(await as(alice, "POST", "/api/conversations", create)).toMatchObject(refusedOverHttp("title"))

    expect(await quiet).toBe(true)
    expect(snapshot(h)).toEqual(before)
  })

  test.each(BAD)("%s: in display names, emails and passwords", async (_, bad) => {
    const [alice] = await quickUsers(h, ["alice"])
    const before = snapshot(h)
    const register = (body: object) => api(h, "POST", "/api/auth/register", { body })
    const fine = {
      email: `new.${crypto.randomUUID()}@example.test`,
      password: "correct horse battery",
      displayName: "New",
    }
    expect(await register({ ...fine, displayName: `Name ${bad}` })).toMatchObject(
      refusedOverHttp("displayName"),
    )
    expect(await register({ ...fine, email: `a${bad}b@example.test` })).toMatchObject(
      refusedOverHttp("email"),
    )
    expect(await register({ ...fine, password: `long enough ${bad}` })).toMatchObject(
      refusedOverHttp("password"),
    )

    const login = (body: object) => api(h, "POST", "/api/auth/login", { body })
    expect(await login({ email: `${alice.email}${bad}`, password: QUICK_PASSWORD })).toMatchObject(
      refusedOverHttp("email"),
    )
    expect(await login({ email: alice.email, password: `${QUICK_PASSWORD}${bad}` })).toMatchObject(
      refusedOverHttp("password"),
    )

    const change = (body: object) => api(h, "POST", "/api/auth/password", { auth: alice, body })
    expect(await change({ currentPassword: QUICK_PASSWORD, newPassword: `a new one ${bad}` })).toMatchObject(
      refusedOverHttp("newPassword"),
    )
    expect(await change({ currentPassword: `${bad}`, newPassword: "a new good one" })).toMatchObject(
      refusedOverHttp("currentPassword"),
    )
    expect(snapshot(h)).toEqual(before)
  })

  test("tab, newline and carriage return are kept, as sent", async () => {
    const [alice, bob] = await quickUsers(h, ["alice", "bob"])
    const id = await createConversation(h, alice, [bob])
    const text = "line one\r\n\tline two\nend"
    const res = await api(h, "POST", `/api/conversations/${id}/messages`, { auth: alice, body: { text } })
    expect(res.status).toBe(201)
    expect(h.query("select text from messages where id = ?", res.body.message.id)).toEqual([{ text }])
  })
})
