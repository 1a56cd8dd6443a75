// The goals of issue 17 (tail latency and footprint), each beside the figure this run measured.
import type { ScenarioReport } from "./bench.ts"
import type { ConnectionsResult } from "./connections.ts"
import type { FanoutResult } from "./fanout.ts"
import type { HistoryResult } from "./history.ts"
import type { SearchResult } from "./search.ts"
import { HEALTHZ_TARGET_MS, type StartupResult } from "./startup.ts"
import type { StormResult } from "./storm.ts"
import type { SyncResult } from "./sync.ts"

type Row = [goal: string, target: string, measured: string, met: string]
type Table = (header: string[], rows: string[][]) => string

const yes = (ok: boolean) => (ok ? "yes" : "NO")
const rate = (n: number) => `${n.toLocaleString("en-US")}/s`

export function formatGoals(reports: ScenarioReport[], table: Table): string[] {
  const find = (name: string) => reports.find((r) => r.scenario === name && r.result && !r.skipped)
  const result = <T>(name: string) => find(name)?.result as T | undefined
  const rows: Row[] = []

  for (const [name, suffix, clients, p99Ms] of [
    ["fanout", "", 200, 25],
    ["fanout-large", "-large", 1000, 100],
  ] as const) {
    const r = find(name)
    const f = r?.result as FanoutResult | undefined
    if (!r || !f) continue
    const sio = result<FanoutResult>(`limit-sio${suffix}`)
    const raw = result<FanoutResult>(`limit-raw${suffix}`)
    const C = `C=${f.params.clients}`
    rows.push([
      `fanout ${C}: p99`,
      `< ${p99Ms} ms`,
      `${f.latencyMs.p99} ms (p50 ${f.latencyMs.p50})${sio ? `; limit-sio ${sio.latencyMs.p99} ms` : ""}`,
      yes(f.latencyMs.p99 < p99Ms),
    ])
    if (clients === 200 && sio && r.vsLimitSio !== undefined)
      rows.push([
        `fanout ${C}: deliveries/s`,
        "≥ 1.5× limit-sio",
        `${rate(f.deliveriesPerSec)} = ${r.vsLimitSio}× limit-sio (${rate(sio.deliveriesPerSec)}); limit-raw ${raw ? rate(raw.deliveriesPerSec) : "-"}`,
        yes(r.vsLimitSio >= 1.5),
      ])
    if (clients === 1000) {
      if (sio && r.vsLimitSio !== undefined)
        rows.push([
          `fanout ${C}: deliveries/s`,
          "(beside the ceilings)",
          `${rate(f.deliveriesPerSec)} = ${r.vsLimitSio}× limit-sio (${rate(sio.deliveriesPerSec)}); limit-raw ${raw ? rate(raw.deliveriesPerSec) : "-"}`,
          "-",
        ])
      const stall = f.loopStall
      const stalls = (s: NonNullable<FanoutResult["loopStall"]>) =>
        `${s.maxMs} ms (${s.over20ms} of ${s.ticks} ticks over 20 ms)`
      rows.push([
        `fanout ${C}: longest event-loop stall`,
        "≤ 20 ms",
        stall
          ? `${stalls(stall)}${sio?.loopStall ? `; limit-sio ${stalls(sio.loopStall)}` : ""}`
          : "not measured",
        stall ? yes(stall.maxMs <= 20) : "-",
      ])
    }
  }
  const c = result<ConnectionsResult>("connections")
  if (c?.rssPerSocketKB != null)
    rows.push([
      `${c.sockets} idle sockets: RSS each`,
      "< 12 KB",
      `${c.rssPerSocketKB} KB`,
      yes(c.rssPerSocketKB < 12),
    ])
  const s = result<StormResult>("storm")
  if (s?.rssAfterMB != null && s.rssIdleMB != null)
    rows.push([
      `RSS after ${s.sockets} sockets leave`,
      "≤ idle + 15 MB",
      `${s.rssAfterMB} MB (idle ${s.rssIdleMB}, peak ${s.rssPeakMB})`,
      yes(s.rssAfterMB <= s.rssIdleMB + 15),
    ])
  const up = result<StartupResult>("startup")
  if (up && !("skipped" in up.executable)) {
    const h = up.executable.healthz
    rows.push([
      "executable: start to /healthz",
      `< ${HEALTHZ_TARGET_MS} ms`,
      `${h.medianMs} ms median (${h.minMs}-${h.maxMs})`,
      yes(h.medianMs < HEALTHZ_TARGET_MS),
    ])
  }
  const h = result<HistoryResult>("history")
  if (h) {
    const p99 = Math.max(h.newest.p99, h.middle.p99, h.oldest.p99)
    rows.push([
      "history: p99 of a page (worst position)",
      "< 5 ms (no regression)",
      `${p99} ms`,
      yes(p99 < 5),
    ])
  }
  const y = result<SyncResult>("sync")
  if (y) {
    const p99 = Math.max(y.oldest.p99, y.middle.p99, y.newest.p99)
    rows.push(["sync: p99 of a page (worst position)", "< 10 ms (no regression)", `${p99} ms`, yes(p99 < 10)])
  }
  const q = result<SearchResult>("search")
  if (q)
    rows.push([
      "search: p99 over the queries",
      "< 20 ms (no regression)",
      `${q.all.p99} ms`,
      yes(q.all.p99 < 20),
    ])
  if (rows.length === 0) return []
  return [
    "",
    "goals (issue 17: tail latency and footprint; measured in this run)",
    table(["goal", "target", "measured", "met"], rows),
  ]
}
