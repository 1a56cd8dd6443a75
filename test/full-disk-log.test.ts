/** stdout on a full disk: log lines are dropped and counted, the server keeps serving. */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { openSync, rmSync } from "node:fs"
import { join } from "node:path"
import { type NodeProcess, startNode } from "./helpers/node.ts"
import { tempDir } from "./helpers/server.ts"
import { mountSmallDisk, type SmallDisk } from "./helpers/tmpfs.ts"

const disk = mountSmallDisk("1m")
const skip = typeof disk === "string" ? disk : undefined
if (skip) console.log(`skipping the full-disk log test: ${skip}`)

let node: NodeProcess | undefined
let dataDir: string
afterAll(async () => {
  await node?.stop("SIGKILL")
  if (typeof disk !== "string") disk.unmount()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

beforeAll(() => {
  dataDir = tempDir()
})

test.skipIf(Boolean(skip))(
  "the server survives a full disk under stdout and counts the dropped lines",
  async () => {
    const d = disk as SmallDisk
    d.fill()
    // Up once /readyz answers (the start line itself could not be written).
    node = await startNode(
      dataDir,
      { LOG_LEVEL: "info", LOG_FORMAT: "json" },
      { stdout: openSync(join(d.dir, "server.log"), "a") },
    )
    const { url, proc } = node
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
