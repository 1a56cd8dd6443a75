// Scenario names and sizes. --quick shrinks everything to a smoke run that
// finishes in well under a minute (it is part of `npm test`).
import type { FanoutParams } from "./fanout.ts"

export const SCENARIOS = [
  "limit-raw",
  "limit-sio",
  "fanout",
  "fanout-large",
  "cluster",
  "connections",
  "storm",
  "history",
  "sync",
  "search",
  "startup",
  "export",
] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export type Sizes = {
  fanout: FanoutParams
  fanoutLarge: FanoutParams
  /** Node counts the cluster scenario runs the `fanout` load on, one after the other. */
  clusterNodes: number[]
  /** Messages the cross-node probe times one at a time. */
  clusterProbeMessages: number
  connections: number
  /** Sockets that connect, join and close at once. */
  storm: number
  historyMessages: number
  historyRequests: number // timed requests per position (newest, middle, oldest)
  searchRequests: number // timed requests per kind of query
  startupRuns: number
  /** Messages of the one user whose data the export scenario downloads. */
  exportMessages: number
}

export function sizes(quick: boolean): Sizes {
  return quick
    ? {
        fanout: { clients: 20, members: 5, messages: 5 },
        fanoutLarge: { clients: 40, members: 10, messages: 5 },
        clusterNodes: [1, 2, 3],
        clusterProbeMessages: 20,
        connections: 200,
        storm: 200,
        historyMessages: 20_000,
        historyRequests: 20,
        searchRequests: 10,
        startupRuns: 1,
        exportMessages: 5_000,
      }
    : {
        // BENCH_FANOUT_MESSAGES: a longer fan-out, so that a server profile (BENCH_SERVER_FLAGS) is the load.
        fanout: { clients: 200, members: 10, messages: Number(process.env.BENCH_FANOUT_MESSAGES) || 50 },
        fanoutLarge: { clients: 1000, members: 10, messages: 20 },
        clusterNodes: [1, 2, 3],
        clusterProbeMessages: 500,
        connections: 10_000,
        storm: 1000,
        historyMessages: 1_000_000,
        historyRequests: 1000,
        searchRequests: 200,
        startupRuns: 3,
        exportMessages: 100_000,
      }
}

/** Only loopback may ever be targeted: this is a load generator. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "")
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return
  throw new Error(`refusing to load ${host}: the benchmark only targets loopback addresses`)
}
