// runBench: runs the chosen scenarios in one process and returns one report per
// scenario. Used by run.ts (CLI) and by test/bench-smoke.test.ts.
import { type BigDb, buildBigDb } from "./big-db.ts"
import { runCluster } from "./cluster.ts"
import { assertLoopback, SCENARIOS, type ScenarioName, sizes } from "./config.ts"
import { runConnections } from "./connections.ts"
import { runExport } from "./export.ts"
import { type FanoutParams, type FanoutResult, runFanout } from "./fanout.ts"
import { runHistory } from "./history.ts"
import { machineFacts } from "./machine.ts"
import { redisMissing } from "./redis.ts"
import { runSearch } from "./search.ts"
import { removeServerFiles, type TargetKind, withServer } from "./servers.ts"
import { runStartup } from "./startup.ts"
import { runStorm } from "./storm.ts"
import { runSync } from "./sync.ts"
import { type WorkerMode, WorkerPool } from "./worker-pool.ts"

export type BenchOptions = {
  scenarios?: ScenarioName[]
  quick?: boolean
  url?: string // drive an already running server instead of starting src/index.ts
  serverPid?: number // its pid, for RSS/CPU figures
  workers?: number
  workerMode?: WorkerMode
  log?: (line: string) => void
}

export type ScenarioReport = {
  scenario: string
  ok: boolean
  failures: string[]
  result?: unknown
  vsLimitSio?: number // fanout deliveries/s as a fraction of the bare Socket.IO server's
  vsLimitRaw?: number // ... and of plain Bun WebSockets'
  skipped?: string
  machine: ReturnType<typeof machineFacts>
}

export async function runBench(opts: BenchOptions = {}): Promise<ScenarioReport[]> {
  const quick = opts.quick ?? false
  const size = sizes(quick)
  const log = opts.log ?? (() => {})
  if (opts.url) assertLoopback(opts.url)
  const external = { url: opts.url, pid: opts.serverPid }
  const machine = machineFacts()
  const reports: ScenarioReport[] = []
  const report = (scenario: string, r: { failures: string[] }, extra: Partial<ScenarioReport> = {}) =>
    reports.push({
      scenario,
      ok: r.failures.length === 0,
      failures: r.failures,
      result: r,
      machine,
      ...extra,
    })
  const startWorkers = () => WorkerPool.start(opts.workers ?? 2, opts.workerMode ?? "process")
  let workers = await startWorkers()
  const measured = new Map<string, FanoutResult>()
  let bigDb: BigDb | undefined

  const fanoutOn = (kind: TargetKind, p: FanoutParams) => {
    log(`fanout on ${kind}: ${p.clients} clients, ${p.members} per conversation, ${p.messages} messages each`)
    return withServer(kind, external, (target) => runFanout(target, workers, p, quick))
  }
  // Each server is measured once per parameter set and reused: the ceilings for every ratio in this run,
  // the single node (no REDIS_URL) for `fanout` and `cluster` alike. Reported when `name` is given.
  const measure = async (kind: TargetKind, p: FanoutParams, name?: string): Promise<FanoutResult> => {
    const key = `${kind}:${p.clients}:${p.members}:${p.messages}`
    let r = measured.get(key)
    if (!r) {
      r = await fanoutOn(kind, p)
      measured.set(key, r)
      if (name) report(name, r)
    }
    return r
  }
  const limit = (kind: "sio" | "raw", p: FanoutParams, name: string) => measure(kind, p, name)
  const fanout = async (name: string, p: FanoutParams, suffix: string) => {
    const sio = await limit("sio", p, `limit-sio${suffix}`)
    const raw = await limit("raw", p, `limit-raw${suffix}`)
    const r = await measure("real", p)
    const ratio = (b: FanoutResult) => Math.round((r.deliveriesPerSec / b.deliveriesPerSec) * 1000) / 1000
    report(name, r, { vsLimitSio: ratio(sio), vsLimitRaw: ratio(raw) })
  }
  const big = async () => {
    if (!bigDb) log(`building a ${size.historyMessages}-message conversation`)
    bigDb ??= await buildBigDb(size.historyMessages)
    return bigDb
  }
  const skip = (scenario: string, why: string) =>
    reports.push({ scenario, ok: true, failures: [], skipped: why, machine })

  const run: Record<ScenarioName, () => Promise<unknown>> = {
    "limit-raw": () => limit("raw", size.fanout, "limit-raw"),
    "limit-sio": () => limit("sio", size.fanout, "limit-sio"),
    fanout: () => fanout("fanout", size.fanout, ""),
    "fanout-large": () => fanout("fanout-large", size.fanoutLarge, "-large"),
    cluster: async () => {
      const why = redisMissing() ?? (opts.url ? "starts its own nodes and Redis" : undefined)
      if (why) return skip("cluster", why)
      const { fanout: params, clusterNodes: nodeCounts, clusterProbeMessages: probeMessages } = size
      const reference = await measure("real", params)
      report(
        "cluster",
        await runCluster(workers, { params, nodeCounts, probeMessages, reference, quick, log }),
      )
    },
    connections: async () => {
      log(`connections: ${size.connections} idle sockets`)
      report(
        "connections",
        await withServer("real", external, (t) => runConnections(t, workers, size.connections)),
      )
    },
    storm: async () => {
      log(`storm: ${size.storm} sockets connect, join and close`)
      report("storm", await withServer("real", external, (t) => runStorm(t, workers, size.storm)))
    },
    history: async () => {
      if (opts.url) return skip("history", "needs a locally started server (writes its database file)")
      const db = await big()
      log("history: paging at the newest end, the middle and the oldest end")
      report("history", await runHistory(db, size.historyRequests))
    },
    sync: async () => {
      if (opts.url) return skip("sync", "needs a locally started server (writes its database file)")
      const db = await big()
      log("sync: pages of 100 events after a seq, at the oldest end, the middle and the newest end")
      report("sync", await runSync(db, size.historyRequests))
    },
    search: async () => {
      if (opts.url) return skip("search", "needs a locally started server (writes its database file)")
      const db = await big()
      log("search: full-text queries over the big conversation")
      report("search", await runSearch(db, size.searchRequests))
    },
    startup: async () => {
      if (opts.url) return skip("startup", "needs a locally started server")
      const db = await big()
      log("startup: timing process start to /readyz")
      report("startup", await runStartup(size.startupRuns, db))
    },
    export: async () => {
      if (opts.url) return skip("export", "needs a locally started server (writes its database file)")
      log(`export: one user's ${size.exportMessages} messages, server RSS sampled during the download`)
      const db = await buildBigDb(size.exportMessages)
      try {
        report("export", await runExport(db))
      } finally {
        removeServerFiles(db.files)
      }
    },
  }

  try {
    for (const name of opts.scenarios?.length ? opts.scenarios : SCENARIOS) {
      try {
        await run[name]()
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err)
        log(`${name} failed: ${msg}`)
        reports.push({ scenario: name, ok: false, failures: [msg], machine })
        // A scenario that died mid-way leaves workers with open sockets and unread replies: start afresh.
        workers.close()
        workers = await startWorkers()
      }
    }
  } finally {
    workers.close()
    if (bigDb) removeServerFiles(bigDb.files)
  }
  return reports
}
