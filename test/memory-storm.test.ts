/** After storms of 1,000 sockets that connect, join and close, the server's memory comes back near where it was. */
import { afterAll, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Subprocess } from "bun"
import { io, type Socket } from "socket.io-client"
import { TEST_SECRET } from "./helpers/server.ts"

const dir = mkdtempSync(join(tmpdir(), "causerie-storm-"))
let proc: Subprocess | undefined
afterAll(() => {
  proc?.kill("SIGKILL")
  rmSync(dir, { recursive: true, force: true })
})

/** The resident memory of the server process, in MB (Linux). */
const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc!.pid}/status`, "utf8"))![1]) / 1024

function freePort(): number {
  const s = Bun.serve({ port: 0, fetch: () => new Response() })
  const port = s.port!
  s.stop(true)
  return port
}

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
    const port = freePort()
    const url = `http://127.0.0.1:${port}`
    proc = Bun.spawn({
      cmd: [process.execPath, "src/index.ts"],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${join(dir, "chat.db")}`,
        DATA_DIR: dir,
        JWT_SECRET: TEST_SECRET,
        LOG_LEVEL: "warn",
        PASSWORD_HASH_MEMORY_KIB: "1024",
        PASSWORD_HASH_TIME_COST: "1",
        MAX_CONNECTIONS_PER_USER: "1000",
        RATE_LIMIT_JOINS_PER_SECOND: "0",
        MAX_PENDING_SESSIONS_PER_ADDRESS: "2000",
      },
      stdout: "ignore",
      stderr: "inherit",
    })
    for (let up = false; !up; )
      up = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => Bun.sleep(50).then(() => false),
      )
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
