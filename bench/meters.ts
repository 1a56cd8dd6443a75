// CPU accounting from /proc: the server's and the workers' own CPU, the whole
// machine's, and other processes' (this machine may be shared with other jobs,
// which makes figures unreliable; the report says so instead of hiding it).
import { readdirSync, readFileSync } from "node:fs"
import { sleep } from "./processes.ts"

/** CPU seconds (user+system) consumed so far by pid, all threads included. */
export function cpuSeconds(pid: number): number {
  return procStat(pid)?.cpu ?? Number.NaN
}

/** CPU seconds and parent pid from /proc/<pid>/stat; undefined once the process is gone. */
function procStat(pid: number): { cpu: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // Fields after the parenthesised command name: ppid is field 4, utime and stime 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return { cpu: (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS, ppid: Number(rest[1]) }
  } catch {
    return undefined
  }
}
const CLOCK_TICKS = 100 // USER_HZ is 100 on every Linux this runs on

/** Percent of one core used by `pids` between two snapshots. */
export class CpuMeter {
  private start: number[]
  private t0 = performance.now()
  constructor(private pids: number[]) {
    this.start = pids.map(cpuSeconds)
  }
  /** null when the window is too short for /proc's 10 ms tick resolution to mean anything. */
  percent(): number | null {
    const wall = (performance.now() - this.t0) / 1000
    if (wall < 0.5) return null
    const used = this.pids.reduce((a, p, i) => a + (cpuSeconds(p) - (this.start[i] ?? 0)), 0)
    return Math.round((100 * used) / wall)
  }
}

/**
 * Whole-machine busy share (all cores, 100 = every core busy) from /proc/stat. Process CPU
 * times miss the kernel's loopback network work (softirq), which on 2 cores is a large part:
 * this says whether the machine as a whole was saturated.
 */
export class MachineMeter {
  private start = MachineMeter.read()
  private static read(): { busy: number; total: number } {
    const f =
      readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? []
    const total = f.reduce((a, b) => a + b, 0)
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total } // minus idle and iowait
  }
  busyPercent(): number | null {
    const now = MachineMeter.read()
    const total = now.total - this.start.total
    return total < 50 ? null : Math.round((100 * (now.busy - this.start.busy)) / total)
  }
}

/**
 * CPU used by processes that are not part of this benchmark (other jobs on a shared
 * machine), in % of one core. Processes that exit inside the window are missed, so this is
 * a lower bound; anything well above 0 means the figures were measured on a busy machine.
 */
export class ForeignMeter {
  private start: Map<number, number>
  private t0 = performance.now()
  constructor(private ours: number[]) {
    this.start = this.snapshot()
  }
  private snapshot(): Map<number, number> {
    const out = new Map<number, number>()
    for (const name of readdirSync("/proc")) {
      const pid = Number(name)
      if (!(pid > 2) || this.ours.includes(pid)) continue
      const st = procStat(pid)
      // Kernel threads (children of kthreadd, pid 2) do our own loopback traffic's softirq work.
      if (st && st.ppid !== 2) out.set(pid, st.cpu)
    }
    return out
  }
  percent(): number | null {
    const wall = (performance.now() - this.t0) / 1000
    if (wall < 0.5) return null
    let used = 0
    for (const [pid, now] of this.snapshot()) {
      const delta = now - (this.start.get(pid) ?? 0)
      if (Number.isFinite(delta)) used += delta
    }
    return Math.round((100 * used) / wall)
  }
}

/** CPU share (% of one core) above which other processes make a measurement unreliable. */
export const NOISY_OTHERS_PERCENT = 25

/**
 * On a shared machine, wait (at most maxWaitMs) until processes outside the benchmark use
 * less than NOISY_OTHERS_PERCENT of a core over one second. Returns the last reading.
 */
export async function waitForQuiet(ours: number[], maxWaitMs: number): Promise<number | null> {
  const deadline = performance.now() + maxWaitMs
  for (;;) {
    const meter = new ForeignMeter(ours)
    await sleep(1000)
    const others = meter.percent()
    if (others === null || others < NOISY_OTHERS_PERCENT || performance.now() >= deadline) return others
  }
}
