// Startup scenario: process start to the first 200 from GET /readyz, on a fresh
// directory (includes creating and migrating the database), on an empty migrated
// database, and on the big database.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import type { BigDb } from "./big-db.ts"
import { round } from "./histogram.ts"
import { REPO_ROOT } from "./processes.ts"
import { newServerFiles, type RealServerFiles, removeServerFiles, startServer } from "./servers.ts"

export type StartupTimes = { runs: number; medianMs: number; minMs: number; maxMs: number }
export type StartupResult = {
  failures: string[]
  target: "real"
  fresh: StartupTimes
  empty: StartupTimes
  big: StartupTimes & { messages: number }
  /** The built executable on an empty migrated database: start to /healthz 200, and to /readyz 200. */
  executable: { healthz: StartupTimes; readyz: StartupTimes } | { skipped: string }
}

/** /healthz of the executable within this long of its start (issue 17). */
export const HEALTHZ_TARGET_MS = 150

async function timeStarts(
  files: RealServerFiles,
  runs: number,
  how: Parameters<typeof startServer>[3] = {},
): Promise<StartupTimes> {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const server = await startServer("real", files, {}, how)
    ms.push(server.readyMs ?? Number.NaN)
    await server.stop()
  }
  return times(ms, runs)
}

function times(ms: number[], runs: number): StartupTimes {
  ms.sort((a, b) => a - b)
  return {
    runs,
    medianMs: round(ms[Math.floor(ms.length / 2)] ?? Number.NaN, 1),
    minMs: round(ms[0] ?? Number.NaN, 1),
    maxMs: round(ms.at(-1) ?? Number.NaN, 1),
  }
}

export async function runStartup(runs: number, big: BigDb): Promise<StartupResult> {
  const files = newServerFiles()
  try {
    const fresh = await timeStarts(files, 1)
    const empty = await timeStarts(files, runs)
    const bigTimes = await timeStarts(big.files, runs)
    const executable = await timeExecutable(files, runs)
    return {
      target: "real",
      fresh,
      empty,
      big: { ...bigTimes, messages: big.messages },
      executable,
      failures: [],
    }
  } finally {
    removeServerFiles(files)
  }
}

/** Builds the single executable (scripts/build.ts) into a temp folder and times its starts. */
async function timeExecutable(files: RealServerFiles, runs: number): Promise<StartupResult["executable"]> {
  const dir = mkdtempSync(`${tmpdir()}/causerie-exe-`)
  try {
    const outfile = `${dir}/causerie`
    const build = Bun.spawnSync([process.execPath, `${REPO_ROOT}/scripts/build.ts`, "--outfile", outfile], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    })
    if (build.exitCode !== 0)
      return { skipped: `build failed: ${build.stderr.toString().trim().slice(-300)}` }
    // One start first, so that every timed one finds the executable in the page cache.
    await timeStarts(files, 1, { cmd: [outfile], upPath: "/healthz" })
    const healthz = await timeStarts(files, runs * 2, { cmd: [outfile], upPath: "/healthz" })
    const readyz = await timeStarts(files, runs, { cmd: [outfile] })
    return { healthz, readyz }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
