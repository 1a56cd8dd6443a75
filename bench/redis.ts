// A throw-away redis-server for the cluster scenario: a free loopback port, nothing
// kept on disk, killed with everything else the bench started.
import { freePort, sleep, track } from "./processes.ts"

export type RedisServer = { url: string; pid: number; stop(): Promise<void> }

/** Why the cluster scenario cannot run here, or undefined when redis-server is installed. */
export function redisMissing(): string | undefined {
  return Bun.which("redis-server")
    ? undefined
    : "redis-server is not installed (Debian: apt-get install redis-server)"
}

export async function startRedis(): Promise<RedisServer> {
  const port = freePort()
  const proc = Bun.spawn({
    cmd: ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdio: ["ignore", "ignore", "inherit"],
  })
  track(proc)
  const deadline = performance.now() + 10_000
  while (!(await answersPing(port))) {
    if (proc.exitCode !== null || performance.now() > deadline) {
      proc.kill("SIGKILL")
      throw new Error(`redis-server did not answer on port ${port}`)
    }
    await sleep(10)
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGKILL")
      await proc.exited
    },
  }
}

/** One inline PING: listening is not enough, Redis must be serving commands. */
async function answersPing(port: number): Promise<boolean> {
  let answered: (ok: boolean) => void = () => {}
  const reply = new Promise<boolean>((resolve) => {
    answered = resolve
  })
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, data) => answered(data.toString().startsWith("+PONG")),
      close: () => answered(false),
      error: () => answered(false),
    },
  }).catch(() => null)
  if (!socket) return false
  socket.write("PING\r\n")
  const ok = await Promise.race([reply, sleep(1000).then(() => false)])
  socket.end()
  return ok
}
