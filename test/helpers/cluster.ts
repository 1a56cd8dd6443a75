/**
 * Several real nodes: a real `redis-server` on a free port and `bun src/index.ts` processes that
 * share it and one SQLite file, as a team that outgrew one process runs them.
 */
import { afterAll, afterEach, beforeAll } from "bun:test"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { closeAll } from "./clients.ts"
import { TEST_DEFAULTS, TEST_SECRET, type TestServer, tempDir } from "./server.ts"

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

export interface Nodes {
  /** The SQLite file every node opens, for direct reads and writes. */
  readonly dbPath: string
  readonly redis: RedisProcess
  /** The nodes in the order they started; a test may stop one (it is stopped again, harmlessly, at the end). */
  nodes: NodeProcess[]
  /** Node `i`, or another node, as a server the client helpers (signUp, connect, api) talk to. */
  on(node: number | NodeProcess): TestServer
  /** One more node on the same file and Redis with the same settings; the test stops it. */
  start(): Promise<NodeProcess>
}

/**
 * `count` nodes started with `env` on one real Redis and one SQLite file in a fresh folder, for a
 * whole test file (or describe block): started before the first test, their sockets closed after
 * each, the nodes, Redis and the folder gone after the last. The first node starts alone: it
 * creates the schema, the others open it migrated.
 */
export function useNodes(count: number, env: Record<string, string> = {}): Nodes {
  let dir = ""
  let redis: RedisProcess | undefined
  const nodes: NodeProcess[] = []
  const start = () => startNode(dir, redis!.url, env)
  beforeAll(async () => {
    dir = tempDir()
    redis = await startRedis()
    nodes.push(await start())
    nodes.push(...(await Promise.all(Array.from({ length: count - 1 }, () => start()))))
  })
  afterEach(() => closeAll())
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop("SIGKILL")))
    await redis?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return {
    get dbPath() {
      return join(dir, "chat.db")
    },
    get redis() {
      return redis!
    },
    nodes,
    on: (node) => ({ url: (typeof node === "number" ? nodes[node]! : node).url }) as TestServer,
    start,
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
