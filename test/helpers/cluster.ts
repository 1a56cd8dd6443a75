/**
 * Several real nodes: a real `redis-server` on a free port and `bun src/index.ts` processes that
 * share it and one SQLite file, as a team that outgrew one process runs them.
 */
import { afterAll, afterEach, beforeAll } from "bun:test"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { closeAll } from "./clients.ts"
import { freePort, type NodeProcess, startNode, waitFor } from "./node.ts"
import { type TestServer, tempDir } from "./server.ts"

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
  const start = () => startNode(dir, { REDIS_URL: redis!.url, ...env })
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
