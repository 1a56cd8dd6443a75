import { Database } from "bun:sqlite"
import { expect, test } from "bun:test"
import { copyFileSync } from "node:fs"
import { join } from "node:path"
import { connect, createConversation, join as joinRoom, signUp } from "./helpers/clients.ts"
import { tempDir } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"

const h = useTestServer()

/** The messages with `text` in a copy of the database file alone, without its write-ahead log. */
function inFileAlone(text: string): number {
  const copy = join(tempDir(), "copy.db")
  copyFileSync(h.dbPath, copy)
  const db = new Database(copy)
  try {
    return (db.query("SELECT count(*) AS n FROM messages WHERE text = ?").get(text) as { n: number }).n
  } catch {
    return 0 // the schema itself may not be in the file yet
  } finally {
    db.close()
  }
}

test("once the writer rests, the log is checkpointed: a copy of the database file alone holds the last message", async () => {
  const [alice, bob] = await Promise.all([signUp(h, "alice"), signUp(h, "bob")])
  const id = await createConversation(h, alice, [bob])
  const socket = await connect(h, alice)
  await joinRoom(socket, id)
  const answer = await socket.emitWithAck("send_message", { conversationId: id, text: "kept in the file" })
  expect(answer.ok).toBe(true)
  await until(() => inFileAlone("kept in the file") === 1, 10_000, "the message in the database file")
})
