/**
 * The directory: display-name prefix, word prefix or exact email, case and accents ignored; limits;
 * no private fields; and the privacy rule of USER_DIRECTORY=shared and of emails.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { api, createConversation, type TestUser } from "./helpers/clients.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()
const ids = (res: { body: { users: { id: number }[] } }) => res.body.users.map((u) => u.id)
const find = (server: TestServer, caller: TestUser, query: string) =>
  api(server, "GET", `/api/users?${query}`, { auth: caller })

describe("USER_DIRECTORY=all (the default)", () => {
  test("names match by prefix or word prefix, whatever the case and accents; never inside a word", async () => {
    const [me, elodie, zoe, jean] = await quickUsers(h, [
      "me",
      "Élodie Durand",
      "Zoë O'Brien",
      "Jean-Luc Picard",
    ])
    const mine = new Set([elodie.id, zoe.id, jean.id])
    const found = async (q: string) =>
      ids(await find(h, me, `q=${encodeURIComponent(q)}&limit=100`)).filter((id) => mine.has(id))
    expect(await found("elo")).toEqual([elodie.id])
    expect(await found("ÉLODIE d")).toEqual([elodie.id])
    expect(await found("durand")).toEqual([elodie.id])
    expect(await found("zoe")).toEqual([zoe.id])
    expect(await found("o'bri")).toEqual([zoe.id])
    expect(await found("luc")).toEqual([jean.id])
    expect(await found("odie")).toEqual([])
    expect(await found("%")).toEqual([])
  })

  test("an exact email finds its owner and shows the address typed; a part of one finds nobody", async () => {
    const [me, kim] = await quickUsers(h, ["me", "kim"])
    const exact = await find(h, me, `q=${encodeURIComponent(kim.email.toUpperCase())}`)
    expect(exact.body.users).toEqual([{ id: kim.id, email: kim.email, displayName: "kim" }])
    const part = await find(h, me, `q=${encodeURIComponent(kim.email.slice(0, -3))}`)
    expect(ids(part)).not.toContain(kim.id)
  })

  test("answers carry id, email and displayName only; others' emails hidden with open registration; never myself", async () => {
    const [me, lou] = await quickUsers(h, ["lou lou", "lou"])
    const res = await find(h, me, "q=lou&limit=100")
    expect(ids(res)).toContain(lou.id)
    expect(ids(res)).not.toContain(me.id)
    for (const user of res.body.users) {
      expect(Object.keys(user).sort()).toEqual(["displayName", "email", "id"])
      expect(user.email).toBe("")
    }
  })

  test("20 by default, at most 100; bad limits and queries are 400 naming the field", async () => {
    const [me] = await quickUsers(h, ["counter"])
    await quickUsers(
      h,
      Array.from({ length: 25 }, (_, i) => `Many ${i}`),
    )
    expect((await find(h, me, "q=many")).body.users).toHaveLength(20)
    expect((await find(h, me, "q=many&limit=5")).body.users).toHaveLength(5)
    for (const query of ["limit=0", "limit=101", "limit=ten", `q=${"x".repeat(255)}`]) {
      const res = await find(h, me, query)
      expect({ query, status: res.status, field: res.body.error?.field }).toEqual({
        query,
        status: 400,
        field: query.split("=")[0],
      })
    }
    expect((await api(h, "GET", "/api/users?q=many")).status).toBe(401)
  })

  test("GET /api/users/:id: anyone by id (email hidden), myself with my email; 404 for unknown, 400 for bad ids", async () => {
    const [me, other] = await quickUsers(h, ["me", "other"])
    // Presence is only for those who share a conversation (test/presence.test.ts).
    expect((await api(h, "GET", `/api/users/${other.id}`, { auth: me })).body).toEqual({
      user: { id: other.id, email: "", displayName: "other", online: null, lastSeenAt: null },
    })
    expect((await api(h, "GET", `/api/users/${me.id}`, { auth: me })).body.user.email).toBe(me.email)
    expect((await api(h, "GET", "/api/users/1999999999", { auth: me })).body.error.code).toBe("NOT_FOUND")
    expect((await api(h, "GET", "/api/users/0", { auth: me })).status).toBe(400)
  })
})

describe("USER_DIRECTORY=shared", () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ USER_DIRECTORY: "shared" })
  })
  afterAll(() => s.stop())

  test("a stranger's name is never found, nor their profile; their exact email is; a teammate is", async () => {
    const [me, mate, stranger] = await quickUsers(s, ["Margot", "Teammate Tess", "Stranger Stan"])
    await createConversation(s, me, [mate])
    expect(ids(await find(s, me, "q=stan"))).toEqual([])
    expect(ids(await find(s, me, "q=stranger"))).toEqual([])
    expect(ids(await find(s, me, "limit=100"))).toEqual([mate.id])
    expect((await api(s, "GET", `/api/users/${stranger.id}`, { auth: me })).status).toBe(404)
    expect(ids(await find(s, me, "q=tess"))).toEqual([mate.id])
    expect((await api(s, "GET", `/api/users/${mate.id}`, { auth: me })).body.user).toEqual({
      id: mate.id,
      email: "",
      displayName: "Teammate Tess",
      online: false,
      lastSeenAt: null,
    })
    const exact = await find(s, me, `q=${encodeURIComponent(stranger.email)}`)
    expect(exact.body.users).toEqual([
      { id: stranger.id, email: stranger.email, displayName: "Stranger Stan" },
    ])
  })

  test("someone who left, or a group I blocked, no longer makes us share it", async () => {
    const [me, leaver, quiet] = await quickUsers(s, ["Mira", "Leaving Lea", "Quiet Quinn"])
    const group = await createConversation(s, me, [leaver])
    const blocked = await createConversation(s, me, [quiet])
    expect(ids(await find(s, me, "q=leaving"))).toEqual([leaver.id])
    await api(s, "POST", `/api/conversations/${group}/leave`, { auth: leaver })
    await api(s, "POST", `/api/conversations/${blocked}/block`, { auth: me })
    expect(ids(await find(s, me, "q=leaving"))).toEqual([])
    expect(ids(await find(s, me, "q=quiet"))).toEqual([])
    expect((await api(s, "GET", `/api/users/${leaver.id}`, { auth: me })).status).toBe(404)
  })
})

test("USER_DIRECTORY=all with REGISTRATION=invite: everyone was let in by an admin, so the directory shows emails", async () => {
  const s = await startTestServer({ REGISTRATION: "invite" })
  try {
    const [me, vera] = await quickUsers(s, ["me", "Vera"])
    expect((await find(s, me, "q=vera")).body.users).toEqual([
      { id: vera.id, email: vera.email, displayName: "Vera" },
    ])
    expect((await api(s, "GET", `/api/users/${vera.id}`, { auth: me })).body.user.email).toBe(vera.email)
    // Conversation payloads still hide it.
    const id = await createConversation(s, me, [vera])
    const conversation = await api(s, "GET", `/api/conversations/${id}`, { auth: me })
    expect(conversation.body.participants.map((p: any) => p.email)).toEqual(["", ""])
  } finally {
    await s.stop()
  }
})
