// Smoke run of the benchmark instrument (bench/): every scenario at toy size.
// It proves the generator, the checks and the server agree end to end: no lost,
// duplicated or misordered deliveries, and every scenario finishing by itself.
import { expect, test } from "bun:test"
import { runBench } from "../bench/bench.ts"
import type { FanoutResult } from "../bench/fanout.ts"

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
  expect(reports.map((r) => r.scenario)).toContain("connections")
  expect(reports.map((r) => r.scenario)).toContain("history")
  expect(reports.map((r) => r.scenario)).toContain("search")
  expect(reports.map((r) => r.scenario)).toContain("startup")
}, 120_000)
