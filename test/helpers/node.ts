/**
 * One Causerie node as an operator runs it: `bun src/index.ts` as a child process on a free port,
 * on a database file shared with whatever else the test opens on it.
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

export interface NodeProcess {
  url: string
  proc: ReturnType<typeof Bun.spawn>
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>
}

/**
 * `bun src/index.ts` on a free port with its database (`chat.db`) and files in `dir`, with
 * TEST_DEFAULTS and then `env` (REDIS_URL makes it one node of several); nothing else is inherited.
 * `stdout` goes nowhere unless given a file descriptor. Resolves once /readyz answers 200; fails
 * if the process exits first.
 */
export async function startNode(
  dir: string,
  env: Record<string, string> = {},
  { stdout = "ignore" }: { stdout?: "ignore" | number } = {},
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
      LOG_LEVEL: "silent",
      ...TEST_DEFAULTS,
      ...env,
    },
    stdout,
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
