// Child-process plumbing: fd limits, cleanup of everything we spawn, the
// server's RSS, free ports.
import { readFileSync } from "node:fs"
import type { Subprocess } from "bun"

const live = new Set<Subprocess>()
let hooked = false

/** Remember a child so it is killed even if the coordinator exits abnormally. */
export function track(proc: Subprocess): void {
  live.add(proc)
  proc.exited.then(() => live.delete(proc))
  if (hooked) return
  hooked = true
  const killAll = () => {
    for (const p of live) p.kill("SIGKILL")
  }
  process.on("exit", killAll)
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      killAll()
      process.exit(130)
    })
  }
}

/** [soft, hard] open-file limits of this process (children inherit them). */
export function fdLimits(): [number, number] {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"))
  const nums = (line ?? "").match(/(\d+|unlimited)\s+(\d+|unlimited)/)
  const parse = (s: string | undefined) =>
    s === "unlimited" || s === undefined ? Number.POSITIVE_INFINITY : Number(s)
  return [parse(nums?.[1]), parse(nums?.[2])]
}

/**
 * Thousands of sockets need thousands of fds. Bun cannot call setrlimit, so when
 * the soft limit is below the hard one, start the child through bash to raise it
 * (up to 65536, or the hard limit if lower: an unprivileged process cannot go past it).
 */
export function fdLimitWrapper(cmd: string[]): string[] {
  const [soft, hard] = fdLimits()
  const want = Math.min(65536, hard)
  if (soft >= want) return cmd
  return ["bash", "-c", `ulimit -n ${want} 2>/dev/null; exec "$@"`, "bash", ...cmd]
}

/** Resident set size in bytes, from /proc/<pid>/status VmRSS. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return m ? Number(m[1]) * 1024 : Number.NaN
}

/** A currently free loopback port (tiny race until the server binds it, acceptable here). */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } })
  const port = s.port
  s.stop(true)
  return port
}

export const REPO_ROOT = `${import.meta.dir}/..`
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
