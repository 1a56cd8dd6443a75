/** A full disk under the database: writes answer UNAVAILABLE with retryAfterMs, /readyz says 503 until a write succeeds. */
import { afterAll, expect, test } from "bun:test"
import { join } from "node:path"
import { api, closeAll, connect, createConversation, join as joinRoom, signUpAll } from "./helpers/clients.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { mountSmallDisk, type SmallDisk } from "./helpers/tmpfs.ts"
import { settledAfter } from "./helpers/walFile.ts"

const disk = mountSmallDisk("4m")
const skip = typeof disk === "string" ? disk : undefined
if (skip) console.log(`skipping the full-disk database test: ${skip}`)

let h: TestServer | undefined
afterAll(async () => {
  closeAll()
  if (typeof disk !== "string") disk.free()
  await h?.stop()
  if (typeof disk !== "string") disk.unmount()
})

test.skipIf(Boolean(skip))(
  "UNAVAILABLE with retryAfterMs while the disk is full; ready and writing again once it is not",
  async () => {
    const d = disk as SmallDisk
    const dbPath = join(d.dir, "chat.db")
    h = await startTestServer({
      DATABASE_URL: `file:${dbPath}`,
      RATE_LIMIT_MESSAGES_PER_SECOND: "0",
    })
    const [alice, bob] = await signUpAll(h, ["alice", "bob"])
    const id = await createConversation(h, alice, [bob])
    const a = await connect(h, alice)
    await joinRoom(a, id)
    // Once writes rest the server checkpoints its log, and the next write starts the log's file over:
    // the writes below reuse its room, and the one refused leaves pages there that a one-page write
    // fits in. A slow machine checkpointed here by chance and /readyz said 200; here it always happens.
    const before = await a.emitWithAck("send_message", { conversationId: id, text: "before the disk fills" })
    expect(before.ok).toBe(true)
    await settledAfter(dbPath, before.message.id)
    d.fill()
    // The WAL may still have room for a few pages: write until the disk says no, then, since a refused
    // write leaves room that a smaller one may fit in, with one-word messages until it says no to those.
    let refused: any
    for (const text of [(i: number) => `${i} ${"x".repeat(3900)}`, (i: number) => `word ${i}`]) {
      refused = undefined
      for (let i = 0; i < 500 && !refused; i++) {
        const ack = await a.emitWithAck("send_message", { conversationId: id, text: text(i) })
        if (!ack.ok) refused = ack.error
      }
      expect(refused?.code).toBe("UNAVAILABLE")
      expect(refused.retryAfterMs).toBeGreaterThan(0)
    }
    expect((await api(h, "GET", "/readyz")).status).toBe(503)
    const viaHttp = await api(h, "POST", `/api/conversations/${id}/messages`, {
      auth: bob,
      body: { text: "word full" },
    })
    expect([viaHttp.status, viaHttp.body.error.code]).toEqual([503, "UNAVAILABLE"])
    expect(viaHttp.headers.get("retry-after")).toMatch(/^\d+$/)
    expect((await api(h, "GET", "/healthz")).status).toBe(200)

    d.free()
    expect((await api(h, "GET", "/readyz")).status).toBe(200)
    const again = await a.emitWithAck("send_message", { conversationId: id, text: "room again" })
    expect(again.ok).toBe(true)
    const history = await api(h, "GET", `/api/conversations/${id}/messages?limit=1`, { auth: bob })
    expect(history.body.messages[0]).toMatchObject({ id: again.message.id, text: "room again" })
  },
)
