import { expect, test } from "bun:test"
import { loadConfig } from "../src/config.ts"
import { createServer } from "../src/server.ts"
import { freePort } from "./helpers/node.ts"
import { TEST_DEFAULTS, TEST_SECRET, tempDir } from "./helpers/server.ts"
import { until } from "./helpers/wait.ts"

test("while start-up waits (here for its database server), /healthz answers 200, /readyz 503 and the API UNAVAILABLE; a start that fails frees the port", async () => {
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let asked = 0
  // A database server that holds every request, then fails it.
  const database = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch() {
      asked++
      await released
      return new Response("unavailable", { status: 500 })
    },
  })
  const dir = tempDir()
  const port = freePort()
  const base = `http://127.0.0.1:${port}`
  const config = loadConfig({
    ...TEST_DEFAULTS,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `http://127.0.0.1:${database.port}`,
    DATA_DIR: dir,
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: "silent",
  })
  const starting = createServer(config).then(
    async (server) => {
      await server.stop()
      return "started"
    },
    () => "failed",
  )
  try {
    await until(() => asked > 0, 10_000, "the start to reach the database")
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true })
    expect((await fetch(`${base}/readyz`)).status).toBe(503)
    const api = await fetch(`${base}/api/conversations`)
    expect(api.status).toBe(503)
    expect((await api.json()).error.code).toBe("UNAVAILABLE")
    release()
    expect(await starting).toBe("failed")
    // Nothing is left listening: a supervisor sees the failure, and the port is free for the next try.
    expect(
      await fetch(`${base}/healthz`).then(
        () => "answered",
        () => "refused",
      ),
    ).toBe("refused")
  } finally {
    release()
    await database.stop(true)
  }
})
