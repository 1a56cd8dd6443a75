// A fanout run's result: the workers' stats merged, rates and latency computed,
// and the checks that make a run fail (lost, duplicated, misordered deliveries...).
import { Histogram, type LatencySummary, round } from "./histogram.ts"
import type { FanoutStats } from "./protocol.ts"

export type FanoutParams = { clients: number; members: number; messages: number }

import type { LoopStall } from "./loop-stall.ts"
import type { Target } from "./servers.ts"

export type FanoutResult = {
  target: Target["kind"]
  params: FanoutParams
  workers: string // e.g. "2 process"
  deliveriesPerSec: number
  sendsPerSec: number
  latencyMs: LatencySummary
  /** Several nodes: deliveries whose sender was on the receiver's node, and on another one. */
  latencyByNode?: { sameNode: LatencySummary; crossNode: LatencySummary }
  durationMs: number
  deliveries: number
  expectedDeliveries: number
  lost: number
  duplicates: number
  misordered: number
  crossTalk: number
  sendErrors: number
  timeouts: number
  // server, generator, others: 100 = one full core; machine: 100 = all cores busy (kernel included).
  // others = processes outside this benchmark: non-zero means a shared, noisy machine.
  cpuPercent: {
    server: number | null
    generator: number | null
    others: number | null
    machine: number | null
    redis?: number | null
  }
  setupMs: number
  /** The real single node: its event loop's longest stall during the timed phase, from its metrics. */
  loopStall?: LoopStall
  failures: string[] // empty = every check passed
  errors: string[]
}

/** Merge the workers' stats into one result and run the delivery checks on it. */
export function summarize(
  target: Target["kind"],
  workers: string,
  p: FanoutParams,
  stats: FanoutStats[],
  cpuPercent: FanoutResult["cpuPercent"],
  setupMs: number,
  anyArrivalOrder = false,
): FanoutResult {
  const sum = (f: (s: FanoutStats) => number) => stats.reduce((a, s) => a + f(s), 0)
  const start = Math.min(...stats.map((s) => s.firstSendAt).filter((t) => t > 0))
  const end = Math.max(...stats.map((s) => s.lastRecvAt))
  const durationMs = end - start
  const deliveries = sum((s) => s.deliveries)
  const expected = sum((s) => s.expected)
  const r: FanoutResult = {
    target,
    params: p,
    workers,
    deliveriesPerSec: Math.round((deliveries / durationMs) * 1000),
    sendsPerSec: Math.round((sum((s) => s.sent) / durationMs) * 1000),
    latencyMs: Histogram.fromData(stats.map((s) => s.latency)).summary(),
    latencyByNode: byNode(stats),
    durationMs: round(durationMs, 1),
    deliveries,
    expectedDeliveries: expected,
    lost: sum((s) => s.lost),
    duplicates: sum((s) => s.duplicates),
    misordered: sum((s) => s.misordered),
    crossTalk: sum((s) => s.crossTalk),
    sendErrors: sum((s) => s.sendErrors),
    timeouts: sum((s) => s.timeouts),
    cpuPercent,
    setupMs: round(setupMs, 1),
    failures: [],
    errors: stats.flatMap((s) => s.errors).slice(0, 10),
  }
  const check = (ok: boolean, what: string) => ok || r.failures.push(what)
  check(
    sum((s) => s.clients) === p.clients,
    `only ${sum((s) => s.clients)} of ${p.clients} clients took part`,
  )
  check(
    expected === p.members * p.messages * p.clients - missingFromLastGroup(p),
    `expected deliveries miscounted (${expected})`,
  )
  check(r.lost === 0, `${r.lost} deliveries lost`)
  check(r.duplicates === 0, `${r.duplicates} duplicate deliveries`)
  check(anyArrivalOrder || r.misordered === 0, `${r.misordered} deliveries out of stored order`)
  check(r.crossTalk === 0, `${r.crossTalk} deliveries from a foreign conversation`)
  check(r.sendErrors === 0, `${r.sendErrors} sends rejected`)
  check(r.timeouts === 0, `${r.timeouts} own messages not echoed in time`)
  check(deliveries === expected, `deliveries ${deliveries} != expected ${expected}`)
  return r
}

function byNode(stats: FanoutStats[]): FanoutResult["latencyByNode"] {
  const merge = (f: (s: FanoutStats) => FanoutStats["sameNode"]) =>
    Histogram.fromData(stats.flatMap((s) => f(s) ?? []))
  const sameNode = merge((s) => s.sameNode)
  const crossNode = merge((s) => s.crossNode)
  if (crossNode.count === 0) return undefined
  return { sameNode: sameNode.summary(), crossNode: crossNode.summary() }
}

/** When clients is not a multiple of members the last conversation is smaller. */
function missingFromLastGroup(p: FanoutParams): number {
  const last = p.clients % p.members
  return last === 0 ? 0 : (p.members - last) * last * p.messages
}
