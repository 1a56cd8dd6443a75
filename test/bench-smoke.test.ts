// Smoke run of the benchmark instrument (bench/): every scenario at toy size.
// It proves the generator, the checks and the server agree end to end: no lost,
// duplicated or misordered deliveries, and every scenario finishing by itself.
import { expect, test } from "bun:test"
import { runBench } from "../bench/bench.ts"
import type { ClusterResult } from "../bench/cluster.ts"
import type { FanoutResult } from "../bench/fanout.ts"
import { redisMissing } from "../bench/redis.ts"

test("bench --quick: all scenarios complete with every delivery exactly once and in order", async () => {
  const reports = await runBench({ quick: true })
  const failed = reports.filter((r) => !r.ok).map((r) => `${r.scenario}: ${r.failures.join("; ")}`)
  expect(failed).toEqual([])

  const fanouts = reports.filter((r) => /^(fanout|limit-)/.test(r.scenario))
  expect(fanouts.map((r) => r.scenario).sort()).toEqual([
    "fanout",
    "fanout-large",
    "limit-raw",
    "limit-raw-large",
    "limit-sio",
    "limit-sio-large",
  ])
  for (const r of fanouts) {
    const f = r.result as FanoutResult
    expect({
      scenario: r.scenario,
      lost: f.lost,
      duplicates: f.duplicates,
      misordered: f.misordered,
    }).toEqual({
      scenario: r.scenario,
      lost: 0,
      duplicates: 0,
      misordered: 0,
    })
    expect(f.deliveries).toBeGreaterThan(0)
    expect(f.deliveries).toBe(f.expectedDeliveries)
  }
  for (const r of reports.filter((x) => x.scenario.startsWith("fanout"))) {
    expect(r.vsLimitSio).toBeGreaterThan(0)
    expect(r.vsLimitRaw).toBeGreaterThan(0)
  }
  // 1, 2 and 3 nodes on one Redis: every delivery exactly once, and some of them across nodes.
  const cluster = reports.find((r) => r.scenario === "cluster")
  if (redisMissing()) expect(cluster?.skipped).toBe(redisMissing())
  else {
    const c = cluster?.result as ClusterResult
    expect(c.rounds.map((r) => r.nodes)).toEqual([1, 2, 3])
    for (const { fanout: f, nodes } of c.rounds) {
      expect({ nodes, lost: f.lost, duplicates: f.duplicates }).toEqual({ nodes, lost: 0, duplicates: 0 })
      expect(f.deliveries).toBe(f.expectedDeliveries)
      if (nodes > 1) expect(f.latencyByNode?.crossNode.samples).toBeGreaterThan(0)
    }
    expect(c.rounds.filter((r) => r.probe).map((r) => r.nodes)).toEqual([2, 3])
    expect(c.reference.deliveries).toBe(c.reference.expectedDeliveries)
  }
  expect(reports.map((r) => r.scenario)).toContain("connections")
  expect(reports.map((r) => r.scenario)).toContain("history")
  expect(reports.map((r) => r.scenario)).toContain("search")
  expect(reports.map((r) => r.scenario)).toContain("startup")
  // The export scenario checks the whole document came back and its server memory stayed under its limit.
  expect(reports.find((r) => r.scenario === "export")).toMatchObject({ ok: true })
}, 120_000)
