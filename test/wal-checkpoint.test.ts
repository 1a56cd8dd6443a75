import { expect, test } from "bun:test"
import { join } from "node:path"
import { WAL_AUTOCHECKPOINT_PAGES } from "../src/db.ts"
import { startCheckpointer } from "../src/ops/walCheckpoint.ts"
import { connect, createConversation, join as joinRoom, signUp } from "./helpers/clients.ts"
import { tempDir } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"
import { messagesInFileAlone } from "./helpers/walFile.ts"

const h = useTestServer()

test("a while after a write, the log is checkpointed: a copy of the database file alone holds the last message", async () => {
  const [alice, bob] = await Promise.all([signUp(h, "alice"), signUp(h, "bob")])
  const id = await createConversation(h, alice, [bob])
  const socket = await connect(h, alice)
  await joinRoom(socket, id)
  const answer = await socket.emitWithAck("send_message", { conversationId: id, text: "kept in the file" })
  expect(answer.ok).toBe(true)
  await until(
    () => messagesInFileAlone(h.dbPath, "kept in the file") === 1,
    10_000,
    "the message in the database file",
  )
})

test("the checkpoints are the checkpointer thread's: the server's connection would not run one for a log this small", async () => {
  // The automatic checkpoint of the server's own connection waits for a log of this many pages, so the
  // copy above came from the thread; its runs are counted, and shown in /metrics.
  const before = h.server.checkpoint!.stats.runs
  const carol = await signUp(h, "carol")
  expect(carol.id).toBeGreaterThan(0)
  const { rows } = await h.server.database.client.execute("PRAGMA wal_autocheckpoint")
  expect(Number(rows[0]?.wal_autocheckpoint)).toBe(WAL_AUTOCHECKPOINT_PAGES)
  expect(WAL_AUTOCHECKPOINT_PAGES).toBeGreaterThan(1000)
  await until(() => h.server.checkpoint!.stats.runs > before, 10_000, "a checkpoint by the thread")
  const { last, failures, down } = h.server.checkpoint!.stats
  expect(last!.log).toBeGreaterThan(0)
  expect(last!.checkpointed).toBe(last!.log)
  expect({ failures, down }).toEqual({ failures: 0, down: false })
  const metrics = await (await fetch(`${h.url}/metrics`)).text()
  expect(metrics).toMatch(/^causerie_wal_checkpoint_seconds_count [1-9]/m)
})

test("a thread that cannot open the database says why, says it is down, and stops at once", async () => {
  const errors: string[] = []
  let down = 0
  const missing = join(tempDir(), "no", "such", "folder", "chat.db")
  const checkpointer = startCheckpointer(`file:${missing}`, {
    onError: (message) => errors.push(message),
    onDown: () => down++,
  })
  checkpointer.wrote()
  await until(() => down === 1, 10_000, "the thread to be reported down")
  expect(errors.join("\n")).toContain("Unable to open connection")
  expect(checkpointer.stats).toMatchObject({ runs: 0, down: true })
  // Stopping a thread that is gone does not wait for an answer that cannot come.
  const first = await Promise.race([
    checkpointer.stop().then(() => "stopped"),
    Bun.sleep(100).then(() => "waited"),
  ])
  expect(first).toBe("stopped")
})
