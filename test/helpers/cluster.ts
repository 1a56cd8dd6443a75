/**
 * Several real nodes: a real `redis-server` on a free port and `bun src/index.ts` processes that
 * share it and one SQLite file, as a team that outgrew one process runs them.
 */
import { join } from "node:path"
import { TEST_DEFAULTS, TEST_SECRET } from "./server.ts"

const root = join(import.meta.dir, "../..")

/** A port nobody listens on right now. */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

/** Whether this machine has redis-server (CI installs it; a bare machine may not). */
export const hasRedis = Bun.which("redis-server") !== null

export interface RedisProcess {
  url: string
  port: number
  stop(): Promise<void>
  /** Stops Redis and starts it again on the same port, empty. */
  restart(): Promise<void>
}

/** Starts redis-server with nothing kept on disk; resolves once it answers. */
export async function startRedis(): Promise<RedisProcess> {
  const port = freePort()
  let proc: ReturnType<typeof Bun.spawn>
  const up = async () => {
    proc = Bun.spawn(["redis-server", "--port", String(port), "--save", "", "--appendonly", "no"], {
      stdout: "ignore",
      stderr: "inherit",
    })
    await waitFor(async () => {
      const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).catch(
        () => null,
      )
      socket?.end()
      return socket !== null
    }, "redis-server to listen")
  }
  const down = async () => {
    proc.kill("SIGKILL")
    await proc.exited
  }
  await up()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: down,
    async restart() {
      await down()
      await up()
    },
  }
}

export interface NodeProcess {
  url: string
  proc: ReturnType<typeof Bun.spawn>
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>
}

/** One node: `bun src/index.ts` on the shared file and Redis; resolves once /readyz answers 200. */
export async function startNode(
  dir: string,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  const port = freePort()
  const proc = Bun.spawn([process.execPath, "src/index.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${join(dir, "chat.db")}`,
      DATA_DIR: dir,
      JWT_SECRET: TEST_SECRET,
      REDIS_URL: redisUrl,
      LOG_LEVEL: "silent",
      ...TEST_DEFAULTS,
      ...env,
    },
    stdout: "ignore",
    stderr: "inherit",
  })
  const url = `http://127.0.0.1:${port}`
  await waitFor(
    () =>
      fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    "the node to answer /readyz",
    () => proc.exitCode !== null,
  )
  return {
    url,
    proc,
    async stop(signal = "SIGTERM") {
      proc.kill(signal)
      await proc.exited
    },
  }
}

/** Polls `check` until it holds; fails after 20 s, or at once when `dead` says the process is gone. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  dead: () => boolean = () => false,
) {
  const deadline = Date.now() + 20_000
  while (!(await check())) {
    if (Date.now() > deadline || dead()) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(25)
  }
}
