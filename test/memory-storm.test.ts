/** After storms of 1,000 sockets that connect, join and close, the server's memory comes back near where it was. */
import { afterAll, expect, test } from "bun:test"
import { readFileSync, rmSync } from "node:fs"
import { io, type Socket } from "socket.io-client"
import { type NodeProcess, startNode } from "./helpers/node.ts"
import { tempDir } from "./helpers/server.ts"

const dir = tempDir()
let node: NodeProcess | undefined
afterAll(async () => {
  await node?.stop("SIGKILL")
  rmSync(dir, { recursive: true, force: true })
})

/** The resident memory of the server process, in MB (Linux). */
const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${node!.proc.pid}/status`, "utf8"))![1]) / 1024

/** `n` sockets connect (20 users, several devices each), join the conversation, then all close. */
async function storm(url: string, tokens: string[], conversationId: number, n: number) {
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const s = io(url, {
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
        auth: { token: tokens[i % tokens.length] },
      })
      await new Promise<void>((resolve, reject) => {
        s.once("connect", () => resolve())
        s.once("connect_error", reject)
      })
      expect((await s.timeout(10_000).emitWithAck("join_conversation", { conversationId })).ok).toBe(true)
      return s
    }),
  )
  for (const s of sockets) s.close()
}

test.skipIf(process.platform !== "linux")(
  "RSS after three 1,000-socket storms returns near idle",
  async () => {
    node = await startNode(dir, {
      LOG_LEVEL: "warn",
      MAX_CONNECTIONS_PER_USER: "1000",
      RATE_LIMIT_JOINS_PER_SECOND: "0",
      MAX_PENDING_SESSIONS_PER_ADDRESS: "2000",
    })
    const { url } = node
    const post = async (path: string, body: unknown, token?: string) =>
      (await fetch(`${url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then((r) => r.json())) as any
    const accounts = []
    for (let i = 0; i < 20; i++)
      accounts.push(
        await post("/api/auth/register", { email: `storm${i}@example.test`, password: "long enough pw" }),
      )
    const tokens = accounts.map((a) => a.token as string)
    const { id } = await post(
      "/api/conversations",
      { participantIds: accounts.slice(1).map((a) => a.user.id) },
      tokens[0],
    )
    // Warm up (code compiled, pools made) with a small round; then the idle figure.
    await storm(url, tokens, id, 100)
    await Bun.sleep(1500)
    const idle = rssMb()
    // Three storms in a row, as a reconnecting fleet makes them: what one leaves behind must not pile up.
    for (let i = 0; i < 3; i++) await storm(url, tokens, id, 1000)
    // Memory is given back soon after the storm (a second or two), not minutes later: wait up to 4 s.
    let after = rssMb()
    for (const deadline = Date.now() + 4_000; after > idle + 50 && Date.now() < deadline; ) {
      await Bun.sleep(250)
      after = rssMb()
    }
    console.log(`server RSS: ${idle.toFixed(0)} MB idle, ${after.toFixed(0)} MB after the storms`)
    expect(after).toBeLessThan(idle + 50)
  },
  60_000,
)
