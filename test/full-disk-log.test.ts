/** stdout on a full disk: log lines are dropped and counted, the server keeps serving. */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync, openSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Subprocess } from "bun"
import { TEST_SECRET } from "./helpers/server.ts"
import { mountSmallDisk, type SmallDisk } from "./helpers/tmpfs.ts"

const disk = mountSmallDisk("1m")
const skip = typeof disk === "string" ? disk : undefined
if (skip) console.log(`skipping the full-disk log test: ${skip}`)

let proc: Subprocess | undefined
let dataDir: string
afterAll(() => {
  proc?.kill("SIGKILL")
  if (typeof disk !== "string") disk.unmount()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

/** A port nobody listens on now. */
function freePort(): number {
  const s = Bun.serve({ port: 0, fetch: () => new Response() })
  const port = s.port!
  s.stop(true)
  return port
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "causerie-log-"))
})

test.skipIf(Boolean(skip))(
  "the server survives a full disk under stdout and counts the dropped lines",
  async () => {
    const d = disk as SmallDisk
    d.fill()
    const port = freePort()
    const url = `http://127.0.0.1:${port}`
    proc = Bun.spawn({
      cmd: [process.execPath, "src/index.ts"],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${join(dataDir, "chat.db")}`,
        DATA_DIR: dataDir,
        JWT_SECRET: TEST_SECRET,
        LOG_LEVEL: "info",
        LOG_FORMAT: "json",
        PASSWORD_HASH_MEMORY_KIB: "1024",
        PASSWORD_HASH_TIME_COST: "1",
      },
      stdout: openSync(join(d.dir, "server.log"), "a"),
      stderr: "pipe",
    })
    // Up once /readyz answers (the start line itself could not be written).
    let ready = false
    for (const deadline = Date.now() + 15_000; !ready && Date.now() < deadline && proc.exitCode === null; ) {
      ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
      if (!ready) await Bun.sleep(50)
    }
    expect(ready).toBe(true)
    // Every one of these logs a line (info, warn, error-free), none of which fits on the disk.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `nobody${i}@example.test`, password: "wrong password" }),
      })
      expect(res.status).toBe(401)
    }
    expect(proc.exitCode).toBeNull()
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const metrics = await (await fetch(`${url}/metrics`)).text()
    const dropped = Number(/^causerie_log_lines_dropped_total (\d+)/m.exec(metrics)?.[1])
    expect(dropped).toBeGreaterThanOrEqual(20)
  },
)
