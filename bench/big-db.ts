// A database with one conversation holding many messages, for the history and
// startup scenarios. The server creates and migrates it; the bulk of the rows is
// then written straight into the SQLite file, because inserting a million
// messages through the API would take longer than the whole benchmark.
import { Database } from "bun:sqlite"
import { io } from "socket.io-client"
import { createConversations, type Identity, registerUsers } from "./accounts.ts"
import { messageText } from "./corpus.ts"
import { newServerFiles, type RealServerFiles, removeServerFiles, startServer } from "./servers.ts"

export type BigDb = {
  files: RealServerFiles
  owner: Identity
  conversationId: number
  messages: number
  cursors: { newest: number; middle: number; oldest: number } // `before` values that each yield a full page
  insertMs: number
  dbSizeMB: number
}

const PAGE = 50
const BATCH = 50_000 // rows per transaction: big enough to amortise commits, small enough to bound the journal

export async function buildBigDb(messages: number): Promise<BigDb> {
  const files = newServerFiles()
  try {
    return await build(files, messages)
  } catch (err) {
    removeServerFiles(files) // on success the caller removes them after the last scenario using them
    throw err
  }
}

async function build(files: RealServerFiles, messages: number): Promise<BigDb> {
  const server = await startServer("real", files)
  let owner: Identity
  let conversationId: number
  try {
    const users = await registerUsers("real", server.url, 2)
    owner = users[0] as Identity
    conversationId = (await createConversations("real", server.url, users, 2))[0] as number
    await sendSeedMessage(server.url, owner.token, conversationId)
  } finally {
    await server.stop()
  }
  const t0 = performance.now()
  const db = new Database(files.dbPath)
  try {
    db.exec("PRAGMA synchronous = OFF") // this connection only: a crash just means rebuilding the fixture
    bulkInsert(db, conversationId, messages - 1)
    const idAt = (offset: number) =>
      (
        db
          .query("SELECT id FROM messages WHERE conversation_id = ? ORDER BY id LIMIT 1 OFFSET ?")
          .get(conversationId, offset) as { id: number }
      ).id
    const maxId = (
      db.query("SELECT max(id) AS id FROM messages WHERE conversation_id = ?").get(conversationId) as {
        id: number
      }
    ).id
    const cursors = { newest: maxId + 1, middle: idAt(Math.floor(messages / 2)), oldest: idAt(PAGE) }
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)") // a database at rest: no leftover WAL to replay at startup
    const insertMs = performance.now() - t0
    const size = db
      .query("SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()")
      .get() as { b: number }
    return {
      files,
      owner,
      conversationId,
      messages,
      cursors,
      insertMs,
      dbSizeMB: Math.round(size.b / 2 ** 20),
    }
  } finally {
    db.close()
  }
}

/** One message through the real path, so the bulk rows can copy its exact column formats. */
async function sendSeedMessage(url: string, token: string, conversationId: number): Promise<void> {
  const socket = io(url, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve)
      socket.once("connect_error", reject)
    })
    await socket.timeout(10_000).emitWithAck("join_conversation", { conversationId })
    const ack = await socket.timeout(10_000).emitWithAck("send_message", { conversationId, text: "seed" })
    if (!ack?.ok) throw new Error(`seed message refused: ${JSON.stringify(ack)}`)
  } finally {
    socket.disconnect()
  }
}

function bulkInsert(db: Database, conversationId: number, count: number): void {
  const seed = db
    .query("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 1")
    .get(conversationId) as Record<string, unknown> | null
  if (!seed) throw new Error("seed message not found in the messages table")
  const columns = Object.keys(seed).filter((c) => c !== "id")
  const insert = db.prepare(
    `INSERT INTO messages (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
  )
  const stamp = timestampLike(seed.created_at)
  const seedMs = Date.now()
  const row = (i: number) =>
    columns.map((c) => {
      if (c === "text") return messageText(i)
      if (c === "created_at") return stamp(seedMs - (count - i)) // 1 ms apart, oldest first, like real ids
      // Sequence numbers follow the seed's, as the server would give them, and the conversation's
      // last_seq is moved past them below.
      if (c === "seq") return (seed.seq as number) + i + 1
      if (c === "client_message_id") return null
      return seed[c] as string | number | null
    })
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(...row(i))
  })
  for (let from = 0; from < count; from += BATCH) batch(from, Math.min(count, from + BATCH))
  // Indexed for search as the server does after a commit (src/services/searchIndex.ts), in one go.
  db.transaction(() => {
    db.run(`INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages
             WHERE id > (SELECT indexed_up_to FROM search_progress)`)
    db.run("UPDATE search_progress SET indexed_up_to = (SELECT max(id) FROM messages)")
  })()
  if ("seq" in seed) {
    const last = (seed.seq as number) + count
    db.query("UPDATE conversations SET last_seq = ? WHERE id = ?").run(last, conversationId)
    // As the server does for every sender: one has read up to one's own last message.
    db.query(
      "UPDATE conversation_participants SET read_seq = ?, delivered_seq = ? WHERE conversation_id = ? AND user_id = ?",
    ).run(last, last, conversationId, seed.sender_id as number)
  }
  // Keep time order equal to id order: the seed (smallest id) becomes the oldest message.
  db.query("UPDATE messages SET created_at = ? WHERE id = ?").run(
    stamp(seedMs - count - 1000),
    seed.id as number,
  )
  // The participants were there from the first message on (search shows only what came after).
  db.query("UPDATE conversation_participants SET joined_at = ? WHERE conversation_id = ?").run(
    stamp(seedMs - count - 2000),
    conversationId,
  )
}

/** Produce timestamps in whatever representation the server stored for the seed row. */
function timestampLike(sample: unknown): (ms: number) => string | number {
  if (typeof sample === "number") return sample > 1e11 ? (ms) => ms : (ms) => Math.floor(ms / 1000)
  if (typeof sample === "string" && sample.includes("T")) return (ms) => new Date(ms).toISOString()
  return (ms) => new Date(ms).toISOString().replace("T", " ").slice(0, 19) // SQLite CURRENT_TIMESTAMP style
}
