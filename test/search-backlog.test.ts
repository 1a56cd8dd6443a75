/**
 * The search index's backlog (src/services/searchIndex.ts, migration 0007): new messages are indexed
 * after their commit, by themselves soon after and always before a search; a message edited or erased
 * before the index reached it is indexed as it stands; a backlog left by a stop is taken after the
 * next start. FTS5's integrity check compares the index with the messages table once it has caught up
 * (before, the rows it has not reached yet are missing from it, and the check says so).
 */
import { beforeAll, expect, test } from "bun:test"
import { createClient } from "@libsql/client"
import { INDEX_CHUNK } from "../src/services/searchIndex.ts"
import { api, createConversation, signUpAll, type TestUser } from "./helpers/clients.ts"
import { writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
let alice: TestUser
let bob: TestUser
beforeAll(async () => {
  ;[alice, bob] = await signUpAll(h, ["alice", "bob"])
})

const progress = () => h.query<{ n: number }>("select indexed_up_to as n from search_progress")[0]!.n
const inIndex = (word: string) =>
  h
    .query<{ id: number }>("select rowid as id from messages_fts where messages_fts match ?", word)
    .map((r) => r.id)
const found = async (user: TestUser, q: string) => {
  const res = await api(h, "GET", `/api/search?q=${encodeURIComponent(q)}`, { auth: user })
  expect(res.status).toBe(200)
  return res.body.results.map((r: any) => r.message.text)
}
const integrity = () =>
  writeDb(h, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")

/** A message committed without the server hearing of it (as another node would, or a bulk import). */
async function storedBehindTheIndex(conversationId: number, senderId: number, text: string) {
  await writeDb(h, "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ?", conversationId)
  await writeDb(
    h,
    "INSERT INTO messages (conversation_id, sender_id, text, seq, created_at) SELECT id, ?, ?, last_seq, ? FROM conversations WHERE id = ?",
    senderId,
    text,
    Date.now(),
    conversationId,
  )
  return h.query<{ id: number }>("select max(id) as id from messages")[0]!.id
}

test("a sent message is indexed by itself soon after, without a search", async () => {
  const id = await createConversation(h, alice, [bob])
  // The first may go in with the catch-up the start schedules; the second only through its own commit.
  for (const text of ["marmalade by itself", "apricot by itself"]) {
    const sent = await api(h, "POST", `/api/conversations/${id}/messages`, { auth: alice, body: { text } })
    expect(sent.status).toBe(201)
    const word = text.split(" ")[0]!
    await until(() => inIndex(word).includes(sent.body.message.id), 10_000, `${word} indexed`)
    expect(progress()).toBeGreaterThanOrEqual(sent.body.message.id)
  }
  await integrity()
})

test("a search sees every committed message, even one the index has not reached", async () => {
  const id = await createConversation(h, alice, [bob])
  const messageId = await storedBehindTheIndex(id, alice.id, "quince arrived")
  expect(progress()).toBeLessThan(messageId)
  expect(inIndex("quince")).toEqual([])
  expect(await found(bob, "quince")).toEqual(["quince arrived"])
  expect(progress()).toBeGreaterThanOrEqual(messageId)
  await integrity()
})

test("edited, then deleted, before the index reached it: indexed as it stands, then out of it", async () => {
  const id = await createConversation(h, alice, [bob])
  const messageId = await storedBehindTheIndex(id, alice.id, "damson first draft")
  expect(progress()).toBeLessThan(messageId)
  const edited = await api(h, "PATCH", `/api/messages/${messageId}`, {
    auth: alice,
    body: { text: "greengage final" },
  })
  expect(edited.status).toBe(200)
  expect(await found(bob, "damson")).toEqual([])
  expect(await found(bob, "greengage")).toEqual(["greengage final"])
  // Had the edit's trigger taken out of the index a row it did not hold, FTS5 would now be corrupt.
  await integrity()
  expect((await api(h, "DELETE", `/api/messages/${messageId}`, { auth: alice })).status).toBe(200)
  expect(await found(bob, "greengage")).toEqual([])
  expect(inIndex("greengage")).toEqual([])
  await integrity()
})

test("a backlog left when the server stopped is indexed after the next start", async () => {
  const id = await createConversation(h, alice, [bob])
  const messageId = await storedBehindTheIndex(id, bob.id, "persimmon after a crash")
  expect(progress()).toBeLessThan(messageId)
  Object.assign(h, await h.restart())
  await until(() => progress() >= messageId, 10_000, "the backlog indexed")
  expect(inIndex("persimmon")).toEqual([messageId])
  await integrity()
})

test("a search with nothing left to index takes no write lock: it answers while another process holds it", async () => {
  const id = await createConversation(h, alice, [bob])
  const sent = await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: alice,
    body: { text: "tamarind while locked" },
  })
  expect(sent.status).toBe(201)
  expect(await found(bob, "tamarind")).toEqual(["tamarind while locked"])
  // Another node in the middle of a long write: a search had to wait for it (and failed past the busy
  // timeout) only to learn that the index had nothing to take.
  const other = createClient({ url: `file:${h.dbPath}` })
  const writing = await other.transaction("write")
  try {
    expect(await found(bob, "tamarind")).toEqual(["tamarind while locked"])
  } finally {
    await writing.rollback()
    other.close()
  }
})

test("a stop during a long catch-up ends it between chunks; the next start indexes the rest, each message once", async () => {
  const id = await createConversation(h, alice, [bob])
  const count = 200 * INDEX_CHUNK
  await writeDb(
    h,
    `INSERT INTO messages (conversation_id, sender_id, text, seq, created_at)
     SELECT ?1, ?2, 'rambutan ' || value, (SELECT last_seq FROM conversations WHERE id = ?1) + value, ?3
       FROM (WITH RECURSIVE g(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM g WHERE value < ?4) SELECT value FROM g)`,
    id,
    alice.id,
    Date.now(),
    count,
  )
  await writeDb(h, "UPDATE conversations SET last_seq = last_seq + ? WHERE id = ?", count, id)
  const last = h.query<{ id: number }>("select max(id) as id from messages")[0]!.id
  Object.assign(h, await h.restart())
  const from = progress()
  await until(() => progress() > from, 10_000, "the catch-up the start schedules under way")
  // The stop does not wait for the whole backlog (a restored database's may take minutes).
  await h.server.stop()
  expect(progress()).toBeLessThan(last)
  Object.assign(h, await h.restart())
  await until(() => progress() >= last, 30_000, "the rest indexed after the next start")
  expect(inIndex("rambutan")).toHaveLength(count)
  await integrity()
})

test("an account deleted with messages on both sides of the index: none found, the index whole", async () => {
  const [leaver] = await signUpAll(h, ["leaver"])
  const id = await createConversation(h, leaver, [bob])
  const sent = await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: leaver,
    body: { text: "kumquat indexed" },
  })
  expect(sent.status).toBe(201)
  expect(await found(bob, "kumquat")).toEqual(["kumquat indexed"])
  const behind = await storedBehindTheIndex(id, leaver.id, "kumquat behind")
  expect(progress()).toBeLessThan(behind)
  const gone = await api(h, "DELETE", "/api/me", {
    auth: leaver,
    body: { password: "correct horse battery" },
  })
  expect(gone.status).toBe(200)
  expect(await found(bob, "kumquat")).toEqual([])
  expect(inIndex("kumquat")).toEqual([])
  await integrity()
})

test("rows removed outright before the index reached them (the last one too): the range is indexed without them", async () => {
  const id = await createConversation(h, alice, [bob])
  const kept = await storedBehindTheIndex(id, alice.id, "loquat kept")
  const dropped = await storedBehindTheIndex(id, alice.id, "loquat dropped")
  const last = await storedBehindTheIndex(id, alice.id, "loquat last")
  expect(progress()).toBeLessThan(kept)
  await writeDb(h, "DELETE FROM messages WHERE id IN (?, ?)", dropped, last)
  expect(await found(bob, "loquat")).toEqual(["loquat kept"])
  await integrity()
  // The next message takes an id past the removed ones (AUTOINCREMENT), so the index reaches it.
  const sent = await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: alice,
    body: { text: "loquat after" },
  })
  expect(sent.body.message.id).toBeGreaterThan(last)
  expect(await found(bob, "loquat")).toEqual(["loquat after", "loquat kept"])
  expect(inIndex("loquat").sort()).toEqual([kept, sent.body.message.id].sort())
  await integrity()
})
