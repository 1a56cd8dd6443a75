import { expect, test } from "bun:test"
import { join } from "node:path"
import Database from "libsql"
import { openDatabase } from "../src/db.ts"
import { reuseStatements, statementCacheStats } from "../src/statementCache.ts"
import { connect, createConversation, join as joinRoom, signUp } from "./helpers/clients.ts"
import { tempDir } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { settledAfter } from "./helpers/walFile.ts"

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

test("a statement run again through @libsql/client is served from the cache, with its own arguments", async () => {
  const { client, close } = await openDatabase({ url: `file:${join(tempDir(), "chat.db")}` })
  try {
    const first = await client.execute({ sql: "SELECT ? + 1 AS v", args: [1] })
    const before = statementCacheStats()
    const second = await client.execute({ sql: "SELECT ? + 1 AS v", args: [41] })
    const after = statementCacheStats()
    expect([first.rows[0]?.v, second.rows[0]?.v]).toEqual([2, 42])
    expect(after.hits).toBe(before.hits + 1)
    expect(after.misses).toBe(before.misses)
  } finally {
    close()
  }
})

test("a second send of the same shape prepares nothing new: the group-commit batch hits the cache", async () => {
  const [alice, bob] = await Promise.all([signUp(h, "alice"), signUp(h, "bob")])
  const id = await createConversation(h, alice, [bob])
  const socket = await connect(h, alice)
  await joinRoom(socket, id)
  const send = (text: string) => socket.emitWithAck("send_message", { conversationId: id, text })
  const one = await send("one")
  expect(one.ok).toBe(true)
  // After a commit the server prepares statements of its own, some time later (the search index's
  // catch-up, the idle checkpoint's PRAGMA): misses a slow machine put between the two counts. Counted
  // once they have run (later runs are hits).
  await settledAfter(h.dbPath, one.message.id)
  const before = statementCacheStats()
  const answer = await send("two")
  const after = statementCacheStats()
  expect(answer.ok).toBe(true)
  expect(answer.message.text).toBe("two")
  expect(after.misses).toBe(before.misses)
  // The reservation, the INSERT and the pointers at least, besides BEGIN and COMMIT.
  expect(after.hits - before.hits).toBeGreaterThanOrEqual(5)
  expect(h.query("SELECT text FROM messages WHERE conversation_id = ? ORDER BY seq", id)).toEqual([
    { text: "one" },
    { text: "two" },
  ])
})

test("a cached statement that someone plucked gives whole rows to the next caller", async () => {
  reuseStatements()
  const db = new Database(join(tempDir(), "pluck.db"))
  try {
    expect(db.prepare("SELECT 7 AS seven").pluck().all()).toEqual([7])
    const before = statementCacheStats()
    expect(db.prepare("SELECT 7 AS seven").all()).toEqual([{ seven: 7 }])
    expect(statementCacheStats().hits).toBe(before.hits + 1)
  } finally {
    db.close()
  }
})
