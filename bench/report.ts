// Human-readable tables for the reports runBench returns.
import type { ScenarioReport } from "./bench.ts"
import type { ClusterResult } from "./cluster.ts"
import type { ConnectionsResult } from "./connections.ts"
import type { ExportResult } from "./export.ts"
import type { FanoutResult } from "./fanout.ts"
import type { LatencySummary } from "./histogram.ts"
import type { HistoryResult } from "./history.ts"
import { NOISY_OTHERS_PERCENT } from "./meters.ts"
import { formatCluster } from "./report-cluster.ts"
import { formatGoals } from "./report-goals.ts"
import type { SearchResult } from "./search.ts"
import type { StartupResult, StartupTimes } from "./startup.ts"
import type { StormResult } from "./storm.ts"
import type { SyncResult } from "./sync.ts"

function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? "-" : String(c))))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)))
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ")
  return [line(cells[0] ?? []), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join(
    "\n",
  )
}

/** Server CPU per delivery, in µs: steadier than rates on a shared machine (limit-raw has no server figure). */
const cpuPerDelivery = (f: FanoutResult) =>
  f.cpuPercent.server === null ? null : Math.round((f.cpuPercent.server * 1e6) / f.deliveriesPerSec) / 100

const startRow = (t: StartupTimes) => [t.runs, t.medianMs, t.minMs, t.maxMs]

const verdict = (r: ScenarioReport) => (r.skipped ? "skipped" : r.ok ? "ok" : "FAILED")

/** One row a position in the big conversation (history, sync): its latency, and the scenario's check. */
function positionTable<P extends string>(
  head: string,
  positions: P[],
  at: Record<P, LatencySummary>,
  check: string,
): string {
  return table(
    [head, "p50", "p95", "p99", "max", "check"],
    positions.map((p) => [p, at[p].p50, at[p].p95, at[p].p99, at[p].max, check]),
  )
}

export function formatReports(reports: ScenarioReport[]): string {
  const out: string[] = []
  const m = reports[0]?.machine
  if (m) out.push(`machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGB} GB, bun ${m.bun}, ${m.os}`)

  const fan = reports.filter((r) => (r.result as FanoutResult | undefined)?.latencyMs)
  if (fan.length) {
    out.push(
      "",
      "fanout (closed loop; latency = send to receive, ms; cpu = % of one core; others = CPU of processes outside the benchmark)",
    )
    const header =
      "scenario C/R/M workers deliv/s sends/s p50 p95 p99 max srv-cpu gen-cpu others srv-µs/deliv stall-max vs-sio vs-raw check"
    const rows = fan.map((r) => {
      const f = r.result as FanoutResult
      const { p50, p95, p99, max } = f.latencyMs
      const { clients: C, members: R, messages: M } = f.params
      const c = f.cpuPercent
      const rates = [f.deliveriesPerSec, f.sendsPerSec]
      const cpu = [c.server, c.generator, c.others]
      return [
        r.scenario,
        `${C}/${R}/${M}`,
        f.workers,
        ...rates,
        p50,
        p95,
        p99,
        max,
        ...cpu,
        cpuPerDelivery(f),
        f.loopStall?.maxMs,
        r.vsLimitSio,
        r.vsLimitRaw,
        verdict(r),
      ]
    })
    out.push(table(header.split(" "), rows))
    const noisy = fan.filter(
      (r) => ((r.result as FanoutResult).cpuPercent.others ?? 0) >= NOISY_OTHERS_PERCENT,
    )
    if (noisy.length) {
      const names = noisy.map((r) => r.scenario).join(", ")
      out.push(
        `warning: other processes used >= ${NOISY_OTHERS_PERCENT}% of a core during ${names}: figures and ratios are unreliable`,
      )
    }
  }
  for (const r of reports.filter((x) => x.scenario === "cluster" && x.result))
    out.push(...formatCluster(r.result as ClusterResult, r.machine.cores, table))
  for (const r of reports.filter((x) => x.scenario === "storm" && x.result)) {
    const c = r.result as StormResult
    out.push("", "storm (sockets connect, join one conversation, close; RSS read 4 s after the last close)")
    out.push(
      table(
        ["sockets", "connected", "RSS idle MB", "RSS peak MB", "RSS after MB", "check"],
        [[c.sockets, c.connected, c.rssIdleMB, c.rssPeakMB, c.rssAfterMB, verdict(r)]],
      ),
    )
  }
  for (const r of reports.filter((x) => x.scenario === "connections" && x.result)) {
    const c = r.result as ConnectionsResult
    out.push("", "connections (idle authenticated sockets)")
    out.push(
      table(
        [
          "sockets",
          "connected",
          "still open",
          "connect/s",
          "RSS before MB",
          "RSS after MB",
          "KB/socket",
          "check",
        ],
        [
          [
            c.sockets,
            c.connected,
            c.stillConnected,
            c.connectPerSec,
            c.rssBeforeMB,
            c.rssAfterMB,
            c.rssPerSocketKB,
            verdict(r),
          ],
        ],
      ),
    )
  }
  for (const r of reports.filter((x) => x.scenario === "history" && x.result)) {
    const h = r.result as HistoryResult
    out.push(
      "",
      `history (${h.messages} messages, ${h.dbSizeMB} MB db, bulk insert ${h.insertMs} ms; ${h.requestsPerPosition} requests each, ms)`,
    )
    out.push(positionTable("position", ["newest", "middle", "oldest"], h, verdict(r)))
  }
  for (const r of reports.filter((x) => x.scenario === "sync" && x.result)) {
    const y = r.result as SyncResult
    out.push(
      "",
      `sync (pages of ${y.pageSize} events on ${y.messages} messages; ${y.requestsPerPosition} requests each, ms; target p99 < 10)`,
    )
    out.push(positionTable("after", ["oldest", "middle", "newest"], y, verdict(r)))
  }
  for (const r of reports.filter((x) => x.scenario === "search" && x.result)) {
    const s = r.result as SearchResult
    out.push(
      "",
      `search (${s.messages} messages; ${s.requestsPerQuery} requests per query, ms; target p99 < 20)`,
    )
    out.push(
      table(
        ["query", "q", "hits", "p50", "p95", "p99", "max", "check"],
        [
          ...s.queries.map((q) => [
            q.apart ? `(${q.name})` : q.name,
            q.q,
            q.hits,
            q.p50,
            q.p95,
            q.p99,
            q.max,
            verdict(r),
          ]),
          ["all but ()", "", "", s.all.p50, s.all.p95, s.all.p99, s.all.max, verdict(r)],
        ],
      ),
    )
  }
  for (const r of reports.filter((x) => x.scenario === "startup" && x.result)) {
    const s = r.result as StartupResult
    out.push("", "startup (process start to /readyz 200, ms; the executable also to /healthz 200)")
    out.push(
      table(
        ["database", "runs", "median", "min", "max"],
        [
          ["fresh dir (migrates)", s.fresh.runs, s.fresh.medianMs, s.fresh.minMs, s.fresh.maxMs],
          ["empty", s.empty.runs, s.empty.medianMs, s.empty.minMs, s.empty.maxMs],
          [`${s.big.messages} messages`, s.big.runs, s.big.medianMs, s.big.minMs, s.big.maxMs],
          ...("skipped" in s.executable
            ? [["executable", "skipped", s.executable.skipped, "", ""]]
            : [
                ["executable, /healthz", ...startRow(s.executable.healthz)],
                ["executable, /readyz", ...startRow(s.executable.readyz)],
              ]),
        ],
      ),
    )
  }
  for (const r of reports.filter((x) => x.scenario === "export" && x.result)) {
    const e = r.result as ExportResult
    out.push("", `export (GET /api/me/export of one user's ${e.messages} messages; server RSS sampled, MB)`)
    out.push(
      table(
        ["messages", "document MB", "ms", "RSS idle", "RSS peak", "extra", "limit", "check"],
        [
          [
            e.exportedMessages,
            e.documentMB,
            e.ms,
            e.rssIdleMB,
            e.rssPeakMB,
            e.extraMB,
            e.limitMB,
            verdict(r),
          ],
        ],
      ),
    )
  }
  out.push(...formatGoals(reports, table))
  const problems = reports.filter((r) => !r.ok || r.skipped)
  if (problems.length) out.push("")
  for (const r of problems) out.push(`${r.scenario}: ${verdict(r)}: ${r.skipped ?? r.failures.join("; ")}`)
  return out.join("\n")
}
