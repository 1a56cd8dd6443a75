/** Full-text search over a conversation of 10,000 French and English messages, sent through the API. */
import { beforeAll, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { api, connect, createConversation, type TestUser } from "./helpers/clients.ts"
import { writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const FILLER = [
  "Bonjour à tous, la réunion est déplacée à demain matin",
  "Good morning everyone, the meeting moved to tomorrow",
  "Où est le dossier du projet ? Je ne le trouve plus",
  "Shipping the release after lunch, tests are green",
  "Le déjeuner était très bon, merci pour l'invitation",
  "Can someone review my pull request before Friday?",
  "Il pleut encore à Paris, prenez un parapluie",
  "The coffee machine on the third floor is broken again",
]
/** The planted lines, by message index: what each search below must find, and only that. */
function text(i: number): string {
  if (i % 250 === 7)
    return ["L'ÉLÈVE a rendu son devoir", "une élève très douée", "Eleve of the month"][i % 3]!
  if (i % 500 === 11) return "Dessert : crème brûlée maison"
  if (i % 500 === 13) return "Brûlée, la crème ? Non, caramélisée"
  if (i % 1000 === 17) return "Visite du château samedi"
  if (i % 1000 === 19) return "Une châtaigne grillée"
  if (i % 400 === 23) return "Meet me at The Naïve Café"
  return `${FILLER[i % FILLER.length]} (${i})`
}
const COUNT = 10_000

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
let alice: TestUser
let carol: TestUser
let eve: TestUser
let big: number
beforeAll(async () => {
  let bob: TestUser
  ;[alice, bob, carol, eve] = (await quickUsers(h, ["alice", "bob", "carol", "eve"])) as TestUser[] as [
    TestUser,
    TestUser,
    TestUser,
    TestUser,
  ]
  big = await createConversation(h, alice, [bob])
  const [a, b] = await Promise.all([connect(h, alice), connect(h, bob)])
  // In parallel, so the group-commit writer stores them in multi-row batches (its triggers index them).
  const send = (s: Socket, i: number) =>
    s.timeout(30_000).emitWithAck("send_message", { conversationId: big, text: text(i) })
  for (let from = 0; from < COUNT; from += 1000) {
    const acks = await Promise.all(
      Array.from({ length: 1000 }, (_, k) => send((from + k) % 2 ? b : a, from + k)),
    )
    if (acks.some((x) => !x.ok)) throw new Error("a send was refused")
  }
}, 120_000)

const search = (user: TestUser, params: Record<string, string | number>) =>
  api(h, "GET", `/api/search?${new URLSearchParams(params as Record<string, string>)}`, { auth: user })
/** Every hit, page after page. */
async function all(user: TestUser, params: Record<string, string | number>) {
  const hits: any[] = []
  let before: number | null | undefined
  do {
    const res = await search(user, { ...params, limit: 7, ...(before ? { before } : {}) })
    expect(res.status).toBe(200)
    hits.push(...res.body.results)
    before = res.body.nextBefore
  } while (before)
  return hits
}
const texts = (hits: any[]) => hits.map((r) => r.message.text)
const expected = (pick: (t: string) => boolean) =>
  Array.from({ length: COUNT }, (_, i) => text(i))
    .filter(pick)
    .reverse()

test("accents and case ignored; newest first; pages chain without gaps; each hit with its conversation and marked snippet", async () => {
  expect(
    h.query<{ n: number }>("select count(*) as n from messages where conversation_id = ?", big)[0]!.n,
  ).toBe(COUNT)
  const hits = await all(alice, { q: "eleve" })
  expect(texts(hits)).toEqual(expected((t) => /élève|ÉLÈVE|Eleve/.test(t)))
  expect(hits).toHaveLength(40)
  const ids = hits.map((r) => r.message.id)
  expect(ids).toEqual([...ids].sort((x, y) => y - x))
  expect(texts(await all(alice, { q: "ÉLÈVE" }))).toEqual(texts(hits))
  expect(hits[0]).toEqual({
    message: expect.objectContaining({ conversationId: big, text: hits[0].message.text }),
    conversation: { id: big, type: "group", title: "test" },
    snippet: expect.stringMatching(/<mark>(ÉLÈVE|élève|Eleve)<\/mark>/),
  })
  const nineteen = await search(alice, { q: "eleve", limit: 19 })
  expect(nineteen.body.results).toHaveLength(19)
  expect(nineteen.body.nextBefore).toBe(nineteen.body.results[18].message.id)
})

test("prefixes with *, phrases in quotes, OR; English too", async () => {
  expect(texts(await all(alice, { q: "chât*" }))).toEqual(expected((t) => /château|châtaigne/.test(t)))
  expect(texts(await all(alice, { q: '"creme brulee"' }))).toEqual(
    expected((t) => t.includes("crème brûlée")),
  )
  expect(await all(alice, { q: "creme brulee" })).toHaveLength(40)
  expect(texts(await all(alice, { q: "naive cafe" }))).toEqual(expected((t) => t.includes("Naïve Café")))
  expect(await all(alice, { q: "chateau OR chataigne" })).toHaveLength(20)
  expect(await all(alice, { q: "zanzibar" })).toEqual([])
})

test("a non-member never finds it, even naming the conversation; a newcomer only from their arrival on", async () => {
  const own = await createConversation(h, eve, [carol])
  await api(h, "POST", `/api/conversations/${own}/messages`, { auth: eve, body: { text: "mon élève à moi" } })
  expect(texts(await all(eve, { q: "eleve" }))).toEqual(["mon élève à moi"])
  expect(await all(eve, { q: "eleve", conversationId: big })).toEqual([])

  await api(h, "POST", `/api/conversations/${big}/participants`, {
    auth: alice,
    body: { userIds: [carol.id] },
  })
  await api(h, "POST", `/api/conversations/${big}/messages`, {
    auth: alice,
    body: { text: "bienvenue à la nouvelle élève" },
  })
  expect(texts(await all(carol, { q: "eleve", conversationId: big }))).toEqual([
    "bienvenue à la nouvelle élève",
  ])
  await api(h, "POST", `/api/conversations/${big}/leave`, { auth: carol })
  expect(texts(await all(carol, { q: "eleve" }))).toEqual(["mon élève à moi"])
})

test("edits and deletions leave the index in step; snippets are escaped HTML", async () => {
  const [dave] = (await quickUsers(h, ["dave"])) as [TestUser]
  const own = await createConversation(h, alice, [dave])
  const post = async (text: string) =>
    (await api(h, "POST", `/api/conversations/${own}/messages`, { auth: alice, body: { text } })).body.message
  await post("<b>élève</b> & co")
  expect((await search(dave, { q: "eleve", conversationId: own })).body.results[0].snippet).toBe(
    "&lt;b&gt;<mark>élève</mark>&lt;/b&gt; &amp; co",
  )
  const draft = await post("premier jet")
  await api(h, "PATCH", `/api/messages/${draft.id}`, { auth: alice, body: { text: "version finale" } })
  expect(await all(dave, { q: "premier" })).toEqual([])
  expect(texts(await all(dave, { q: "finale" }))).toEqual(["version finale"])
  await api(h, "DELETE", `/api/messages/${draft.id}`, { auth: alice })
  expect(await all(dave, { q: "finale" })).toEqual([])
  // The index agrees with the table it indexes, after every write of this file.
  await writeDb(h, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
})

test("a malformed query is BAD_REQUEST naming q, never an SQL error", async () => {
  for (const q of ['"abc', "*", "OR", "a OR", "!!!", "", " ", "x".repeat(201), "\u0000"]) {
    const res = await search(alice, { q })
    expect({ q, status: res.status, error: res.body.error }).toMatchObject({
      q,
      status: 400,
      error: { code: "BAD_REQUEST", field: "q" },
    })
  }
  for (const [params, field] of [
    [{ q: "a", limit: 0 }, "limit"],
    [{ q: "a", limit: 51 }, "limit"],
    [{ q: "a", before: "x" }, "before"],
    [{ q: "a", conversationId: "-1" }, "conversationId"],
  ] as const) {
    expect((await search(alice, params)).body.error).toMatchObject({ code: "BAD_REQUEST", field })
  }
  const missing = await api(h, "GET", "/api/search", { auth: alice })
  expect(missing.body.error).toMatchObject({ code: "BAD_REQUEST", field: "q" })
})
