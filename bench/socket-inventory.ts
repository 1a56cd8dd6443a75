// What one idle authenticated socket holds on the server (issue 17's footprint): starts the real server
// in-process (port 0, temporary SQLite file), opens N sockets from a child process (20 per user, the
// default cap), and prints, per socket, the RSS, the JavaScript heap (bun:jsc heapStats after full
// collections) and the object types that grew. SNAPSHOT=path also writes V8-format heap snapshots
// (path.before and path) to look for what retains them.
// Usage: bun bench/socket-inventory.ts [N=2000] [--top 40]
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"

const CHILD = "--child"
const SOCKETS_PER_USER = 20

if (Bun.argv.includes(CHILD)) child()
else await parent()

async function parent() {
  const { values, positionals } = parseArgs({
    args: Bun.argv.slice(2),
    allowPositionals: true,
    options: { top: { type: "string", default: "40" } },
  })
  const sockets = Number(positionals[0] ?? 2000)
  const { heapStats } = await import("bun:jsc")
  const { loadConfig } = await import("../src/config.ts")
  const { createServer } = await import("../src/server.ts")
  const dir = mkdtempSync(join(tmpdir(), "causerie-inventory-"))
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${join(dir, "chat.db")}`,
    DATA_DIR: dir,
    JWT_SECRET: Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex"),
    LOG_LEVEL: "warn",
    PASSWORD_HASH_MEMORY_KIB: "1024",
    PASSWORD_HASH_TIME_COST: "1",
    RATE_LIMIT_REGISTRATIONS_PER_HOUR: "0",
    MAX_PENDING_SESSIONS_PER_ADDRESS: "100000",
    MAX_PENDING_SESSIONS: "100000",
  })
  const server = await createServer(config)
  let warm: ReturnType<typeof openSockets> | undefined
  let load: ReturnType<typeof openSockets> | undefined
  try {
    // One more user than needed: its socket warms the code paths up before the baseline.
    const tokens: string[] = []
    for (let i = 0; i <= Math.ceil(sockets / SOCKETS_PER_USER); i++) {
      const res = await fetch(`${server.url}/api/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: `inventory-${i}@bench.invalid`,
          password: "inventory-password",
          displayName: `user ${i}`,
        }),
      })
      if (res.status !== 201) throw new Error(`registration ${i}: ${res.status} ${await res.text()}`)
      tokens.push(((await res.json()) as { token: string }).token)
    }
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        Bun.gc(true)
        await Bun.sleep(200)
      }
    }
    warm = openSockets(server.url, tokens.slice(-1), 1)
    await warm.ready
    await settle()
    const before = { heap: heapStats(), rss: process.memoryUsage().rss }
    if (process.env.SNAPSHOT)
      await Bun.write(`${process.env.SNAPSHOT}.before`, Bun.generateHeapSnapshot("v8"))
    load = openSockets(server.url, tokens, sockets)
    await load.ready
    await Bun.sleep(2000)
    await settle()
    const after = { heap: heapStats(), rss: process.memoryUsage().rss }
    if (process.env.SNAPSHOT) await Bun.write(process.env.SNAPSHOT, Bun.generateHeapSnapshot("v8"))

    const per = (a: number, b: number) => (a - b) / sockets
    console.log(
      `sockets: ${sockets} (${server.io.of("/").sockets.size - 1} open on the server besides the warm-up)`,
    )
    console.log(`RSS per socket: ${(per(after.rss, before.rss) / 1024).toFixed(2)} KB`)
    console.log(`heap per socket: ${(per(after.heap.heapSize, before.heap.heapSize) / 1024).toFixed(2)} KB`)
    console.log(`objects per socket: ${per(after.heap.objectCount, before.heap.objectCount).toFixed(1)}`)
    const counts = (s: typeof before) => s.heap.objectTypeCounts as Record<string, number>
    const types = new Set([...Object.keys(counts(after)), ...Object.keys(counts(before))])
    const rows = [...types]
      .map((type) => ({ type, perSocket: per(counts(after)[type] ?? 0, counts(before)[type] ?? 0) }))
      .filter((r) => Math.abs(r.perSocket) >= 0.05)
      .sort((a, b) => b.perSocket - a.perSocket)
      .slice(0, Number(values.top))
    for (const r of rows) console.log(`${r.perSocket.toFixed(2).padStart(8)}  ${r.type}`)
  } finally {
    load?.kill()
    warm?.kill()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  process.exit(0)
}

/** A child process that opens `count` sockets, `SOCKETS_PER_USER` per token, and keeps them open. */
function openSockets(url: string, tokens: string[], count: number) {
  const { promise: ready, resolve, reject } = Promise.withResolvers<void>()
  const proc = Bun.spawn({
    cmd: [process.execPath, import.meta.path, CHILD],
    stdio: ["inherit", "inherit", "inherit"],
    ipc(message) {
      if (message === "ready") resolve()
    },
  })
  proc.send({ url, tokens, count })
  void proc.exited.then((code) => reject(new Error(`the socket process exited (${code})`)))
  return { ready, kill: () => proc.kill() }
}

function child() {
  process.once("message", async (m) => {
    const { io } = await import("socket.io-client")
    const { url, tokens, count } = m as { url: string; tokens: string[]; count: number }
    const open: unknown[] = []
    for (let i = 0; i < count; i += 100) {
      const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => {
        const socket = io(url, {
          auth: { token: tokens[Math.floor((i + j) / SOCKETS_PER_USER)] },
          transports: ["websocket"],
          forceNew: true,
          reconnection: false,
        })
        return new Promise((resolve, reject) => {
          socket.once("connect", () => resolve(socket))
          socket.once("connect_error", reject)
        })
      })
      open.push(...(await Promise.all(batch)))
    }
    process.send?.("ready")
  })
  process.on("unhandledRejection", (err) => {
    console.error(`socket-inventory: ${err}`)
    process.exit(1)
  })
}
