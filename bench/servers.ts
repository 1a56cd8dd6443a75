// Starting and stopping the servers under test: the real Causerie server
// (src/index.ts on a temp database) and the two protocol-ceiling servers.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import type { Subprocess } from "bun"
import { fdLimitWrapper, freePort, REPO_ROOT, sleep, track } from "./processes.ts"

export type TargetKind = "real" | "sio" | "raw"

export type Target = {
  kind: TargetKind
  url: string
  pid?: number // known when we started it (or --server-pid): needed for RSS/CPU figures
  readyMs?: number // process start to first 200 from /readyz
  /** Several nodes on one database: each one's URL and pid (clients are spread over them round-robin). */
  nodes?: { url: string; pid: number }[]
  redisPid?: number // the Redis between those nodes, for its CPU figure
  logTail(): string // last lines the server printed, to explain a failure
  stop(): Promise<void>
}

const ENTRY: Record<TargetKind, string> = {
  real: `${REPO_ROOT}/src/index.ts`,
  sio: `${import.meta.dir}/limit-sio.ts`,
  raw: `${import.meta.dir}/limit-raw.ts`,
}

export type RealServerFiles = { dir: string; dbPath: string; jwtSecret: string }

/** A fresh temp dir + database path + secret; reuse it to restart a server on the same data. */
export function newServerFiles(): RealServerFiles {
  const dir = mkdtempSync(`${tmpdir()}/causerie-bench-`)
  const jwtSecret = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex")
  return { dir, dbPath: `${dir}/chat.db`, jwtSecret }
}

export function removeServerFiles(files: RealServerFiles): void {
  rmSync(files.dir, { recursive: true, force: true })
}

export async function startServer(
  kind: TargetKind,
  files?: RealServerFiles,
  extraEnv: Record<string, string> = {},
  /** Another program for the real server (the built executable), and the path whose 200 means up. */
  how: { cmd?: string[]; upPath?: "/readyz" | "/healthz" } = {},
): Promise<Target> {
  const port = freePort()
  // A REDIS_URL in the caller's shell must not turn single-node figures into cluster ones.
  const { REDIS_URL: _ignored, ...inherited } = process.env as Record<string, string>
  const env: Record<string, string> = {
    ...inherited,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    // Registration is setup, not what is measured: the cheapest accepted password hashing.
    PASSWORD_HASH_MEMORY_KIB: "1024",
    PASSWORD_HASH_TIME_COST: "1",
    NODE_ENV: "production",
    // Measure the server, not its throttles (0 = off); harmless for the limit servers.
    RATE_LIMIT_MESSAGES_PER_SECOND: "0",
    RATE_LIMIT_JOINS_PER_SECOND: "0",
    RATE_LIMIT_REGISTRATIONS_PER_HOUR: "0",
    RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "0",
    RATE_LIMIT_CHANGES_PER_MINUTE: "0",
    // Thousands of sockets handshake at once from this one address.
    MAX_PENDING_SESSIONS_PER_ADDRESS: "100000",
    MAX_PENDING_SESSIONS: "100000",
    ...extraEnv,
  }
  if (files) {
    env.DATABASE_URL = `file:${files.dbPath}`
    env.JWT_SECRET = files.jwtSecret
    env.DATA_DIR = files.dir // the server may keep other files (uploads, secrets) beside its database
  }
  const output: string[] = []
  const t0 = performance.now()
  const proc = Bun.spawn({
    // BENCH_SERVER_FLAGS: runtime flags for the real server only (`--cpu-prof-md --cpu-prof-dir=...`).
    cmd: fdLimitWrapper(
      how.cmd ?? [process.execPath, ...(kind === "real" ? serverFlags() : []), ENTRY[kind]],
    ),
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  })
  track(proc)
  // Pipes must be drained or a chatty server blocks on write; keep only the tail for error reports.
  drain(proc.stdout, output)
  drain(proc.stderr, output)
  const url = `http://127.0.0.1:${port}`
  const target: Target = {
    kind,
    url,
    pid: proc.pid,
    stop: () => stopProcess(proc),
    logTail: () => output.join("").slice(-2000),
  }
  try {
    await waitReady(url, proc, 60_000, how.upPath)
  } catch (err) {
    await target.stop()
    throw new Error(
      `${kind} server did not become ready: ${String(err)}\n--- server output ---\n${target.logTail()}`,
    )
  }
  target.readyMs = performance.now() - t0
  return target
}

const serverFlags = () => (process.env.BENCH_SERVER_FLAGS ?? "").split(" ").filter(Boolean)

async function waitReady(
  url: string,
  proc: Subprocess,
  timeoutMs: number,
  path: "/readyz" | "/healthz" = "/readyz",
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`exited with ${proc.exitCode ?? proc.signalCode}`)
    try {
      const res = await fetch(`${url}${path}`)
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(2)
  }
  throw new Error(`no 200 from ${path} within ${timeoutMs}ms`)
}

async function stopProcess(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  proc.kill("SIGTERM")
  const done = await Promise.race([proc.exited.then(() => true), sleep(5000).then(() => false)])
  if (!done) {
    proc.kill("SIGKILL")
    await proc.exited
  }
}

async function drain(stream: ReadableStream<Uint8Array> | number | undefined, into: string[]): Promise<void> {
  if (!stream || typeof stream === "number") return
  const decoder = new TextDecoder()
  for await (const chunk of stream) {
    into.push(decoder.decode(chunk))
    if (into.length > 200) into.splice(0, into.length - 200)
  }
}

/** An already running server given by --url: never stopped by us. */
export function externalTarget(url: string, pid?: number): Target {
  return { kind: "real", url: url.replace(/\/$/, ""), pid, stop: async () => {}, logTail: () => "" }
}

/**
 * Run `fn` against a server of `kind`: the real one is freshly started on an empty
 * temp database unless `external.url` names a running one. Always stopped and
 * cleaned up afterwards; errors carry the server's last output.
 */
export async function withServer<T>(
  kind: TargetKind,
  external: { url?: string; pid?: number },
  fn: (target: Target) => Promise<T>,
): Promise<T> {
  if (kind === "real" && external.url) return fn(externalTarget(external.url, external.pid))
  const files = kind === "real" ? newServerFiles() : undefined
  try {
    const target = await startServer(kind, files)
    try {
      return await fn(target)
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err)
      const tail = target.logTail().trim()
      throw new Error(tail ? `${msg}\n--- ${kind} server output (tail) ---\n${tail}` : msg)
    } finally {
      await target.stop()
    }
  } finally {
    if (files) removeServerFiles(files)
  }
}
