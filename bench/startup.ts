// Startup scenario: process start to the first 200 from GET /readyz, on a fresh
// directory (includes creating and migrating the database), on an empty migrated
// database, and on the big database.
import type { BigDb } from "./big-db.ts"
import { round } from "./histogram.ts"
import { newServerFiles, type RealServerFiles, removeServerFiles, startServer } from "./servers.ts"

export type StartupTimes = { runs: number; medianMs: number; minMs: number; maxMs: number }
export type StartupResult = {
  failures: string[]
  target: "real"
  fresh: StartupTimes
  empty: StartupTimes
  big: StartupTimes & { messages: number }
}

async function timeStarts(files: RealServerFiles, runs: number): Promise<StartupTimes> {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const server = await startServer("real", files)
    ms.push(server.readyMs ?? Number.NaN)
    await server.stop()
  }
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
    return { target: "real", fresh, empty, big: { ...bigTimes, messages: big.messages }, failures: [] }
  } finally {
    removeServerFiles(files)
  }
}
