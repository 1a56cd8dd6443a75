/** Sync over HTTP and sockets: pages of stored events, departures, and what a caller may no longer see. */
import { describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connectAll, createConversation, type TestUser } from "./helpers/clients.ts"
import { lastSeqOf, range } from "./helpers/sequence.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

const emit = (s: Socket, event: string, payload: object) => s.timeout(5000).emitWithAck(event, payload)
const events = (user: TestUser, id: number, query = "") =>
  api(h, "GET", `/api/conversations/${id}/events${query}`, { auth: user })
const say = (user: TestUser, id: number, text: string) =>
  api(h, "POST", `/api/conversations/${id}/messages`, { auth: user, body: { text } })

describe("GET /api/conversations/:id/events", () => {
  test("the same pages as the socket sync; after and limit page through; refusals", async () => {
    const [alice, bob, eve] = await quickUsers(h, ["alice", "bob", "eve"])
    const id = await createConversation(h, alice, [bob])
    for (const n of range(1, 5)) await say(alice, id, `m${n}`)
    const [b] = await connectAll(h, [bob])

    const all = await events(bob, id, "?after=0&limit=500")
    expect(all.status).toBe(200)
    const { ok, ...socketSync } = await emit(b, "sync", { conversations: { [id]: 0 }, limit: 500 })
    expect(ok).toBe(true)
    expect(socketSync.conversations).toEqual([all.body])
    expect(Object.keys(all.body).sort()).toEqual([
      "active",
      "conversationId",
      "deliveredSeq",
      "events",
      "hasMore",
      "lastSeq",
      "participants",
      "readSeq",
      "unreadCount",
    ])
    // alice's pointers follow her own messages.
    expect(all.body.participants).toEqual([
      { userId: alice.id, readSeq: 6, deliveredSeq: 6 },
      { userId: bob.id, readSeq: 0, deliveredSeq: 0 },
    ])
    expect(all.body).toMatchObject({
      conversationId: id,
      hasMore: false,
      lastSeq: 6,
      active: true,
      readSeq: 0,
    })
    expect(all.body.events.map((e: any) => e.seq)).toEqual(range(1, 6))

    const page = await events(bob, id, "?after=2&limit=2")
    expect(page.body.events.map((e: any) => e.seq)).toEqual([3, 4])
    expect(page.body.hasMore).toBe(true)
    expect((await events(bob, id, "?after=4&limit=2")).body.hasMore).toBe(false)
    expect((await events(bob, id, "?after=6")).body).toMatchObject({ events: [], hasMore: false, lastSeq: 6 })
    // Defaults: from the start, 100 at most.
    expect((await events(bob, id)).body.events).toHaveLength(6)

    expect(await events(eve, id)).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } })
    expect(await events(bob, 987_654)).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } })
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?limit=501", "limit"],
      ["?limit=ten", "limit"],
      ["?after=-1", "after"],
      ["?after=1.5", "after"],
    ])
      expect(await events(bob, id, query)).toMatchObject({
        status: 400,
        body: { error: { code: "BAD_REQUEST", field } },
      })
  })
})

describe("departures", () => {
  test("a removed or departed user gets events up to their departure, and nothing after", async () => {
    const [alice, bob, carol] = await quickUsers(h, ["alice", "bob", "carol"])
    const id = await createConversation(h, alice, [bob, carol])
    await say(alice, id, "before")
    expect(
      (await api(h, "DELETE", `/api/conversations/${id}/participants/${bob.id}`, { auth: alice })).status,
    ).toBe(200)
    await say(alice, id, "between")
    expect((await api(h, "POST", `/api/conversations/${id}/leave`, { auth: carol })).status).toBe(200)
    await say(alice, id, "after both")
    expect(lastSeqOf(h, id)).toBe(7)

    for (const [user, departure, reason] of [
      [bob, 4, "removed"],
      [carol, 6, "left"],
    ] as const) {
      const page = (await events(user, id, "?after=0")).body
      expect(page).toMatchObject({
        active: false,
        participants: [],
        lastSeq: departure,
        unreadCount: 0,
        hasMore: false,
      })
      expect(page.events.map((e: any) => e.seq)).toEqual(range(1, departure))
      expect(page.events.at(-1)).toMatchObject({
        type: "participant_removed",
        data: { userId: user.id, reason },
      })
      expect((await events(user, id, `?after=${departure}`)).body.events).toEqual([])

      const [s] = await connectAll(h, [user])
      const { ok, ...synced } = await emit(s, "sync", { conversations: { [id]: 0 } })
      expect(ok).toBe(true)
      expect(synced).toEqual({ conversations: [page], unlisted: [], gone: [id] })
      // Nor is it in their list any more.
      expect((await api(h, "GET", "/api/conversations", { auth: user })).body.conversations).toEqual([])
    }
  })
})

describe("sync", () => {
  test("unlisted: my other conversations with their last seq; gone: listed ones I cannot see", async () => {
    const [alice, bob] = await quickUsers(h, ["alice", "bob"])
    const listed = await createConversation(h, alice, [bob])
    const unlisted = await createConversation(h, alice, [bob])
    const left = await createConversation(h, alice, [bob])
    const never = await createConversation(h, alice, [])
    await say(alice, unlisted, "so you know")
    await api(h, "POST", `/api/conversations/${left}/leave`, { auth: bob })
    const [b] = await connectAll(h, [bob])

    const { ok, ...result } = await emit(b, "sync", {
      conversations: { [listed]: 0, [left]: 0, [never]: 0, 987654: 0 },
      limit: 10,
    })
    expect(ok).toBe(true)
    expect(result.conversations.map((p: any) => [p.conversationId, p.active])).toEqual([
      [listed, true],
      [left, false],
    ])
    expect(result.unlisted).toEqual([{ conversationId: unlisted, lastSeq: 2 }])
    expect([...result.gone].sort((x, y) => x - y)).toEqual([left, never, 987654])

    // Listing nothing: every conversation of mine, none gone.
    const bare = await emit(b, "sync", {})
    expect(bare).toMatchObject({ ok: true, conversations: [], gone: [] })
    expect(bare.unlisted.map((u: any) => u.conversationId).sort()).toEqual([listed, unlisted].sort())
  })

  test("malformed sync requests are BAD_REQUEST naming the field", async () => {
    const [alice] = await quickUsers(h, ["alice"])
    const [a] = await connectAll(h, [alice])
    for (const [payload, field] of [
      [{ conversations: { 1: 0 }, limit: 501 }, "limit"],
      [{ conversations: { 1: 0 }, limit: 0 }, "limit"],
      [{ conversations: { abc: 0 } }, "conversations.abc"],
      // Ids past 2^53 are refused, as they are over HTTP: gone would otherwise name another number.
      [{ conversations: { "9007199254740993": 0 } }, "conversations.9007199254740993"],
      [{ conversations: { 1: -1 } }, "conversations.1"],
      [{ conversations: [1, 2] }, "conversations"],
    ] as const)
      expect(await emit(a, "sync", payload)).toMatchObject({
        ok: false,
        error: { code: "BAD_REQUEST", field },
      })
  })
})
