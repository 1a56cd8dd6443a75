// The cluster scenario's tables: one row per node count beside the single node
// without Redis, then the cross-node probe.
import type { ClusterResult, ClusterRound } from "./cluster.ts"
import type { FanoutResult } from "./fanout.ts"

type Cell = string | number | null | undefined
export type Table = (header: string[], rows: Cell[][]) => string

const HEADER =
  "nodes redis deliv/s sends/s vs-1 p50 p99 same-node-p50/p99 cross-node-p50/p99 srv-cpu redis-cpu gen-cpu others unordered gap-fills lag-ms tx/s msg/tx tx-ms check"

export function formatCluster(c: ClusterResult, cores: number, table: Table): string[] {
  const { clients: C, members: R, messages: M } = c.params
  const ref = c.reference.deliveriesPerSec
  const pair = (l?: { p50: number; p99: number }) => (l ? `${l.p50} / ${l.p99}` : "-")
  const row = (nodes: string, redis: string, f: FanoutResult, round?: ClusterRound): Cell[] => [
    nodes,
    redis,
    f.deliveriesPerSec,
    f.sendsPerSec,
    Math.round((f.deliveriesPerSec / ref) * 100) / 100,
    f.latencyMs.p50,
    f.latencyMs.p99,
    pair(f.latencyByNode?.sameNode),
    pair(f.latencyByNode?.crossNode),
    f.cpuPercent.server,
    f.cpuPercent.redis,
    f.cpuPercent.generator,
    f.cpuPercent.others,
    f.misordered,
    round?.writes.gapFills,
    round?.writes.meanAdapterLagMs,
    round?.writes.transactionsPerSec,
    round?.writes.messagesPerTransaction,
    round?.writes.meanTransactionMs,
    (round?.failures ?? f.failures).length ? "FAILED" : "ok",
  ]
  const out = [
    "",
    `cluster (fanout ${C}/${R}/${M} on each node count, clients round-robin over the nodes, one Redis and one SQLite file; everything shares this machine's ${cores} cores; latency ms; cpu % of one core)`,
    table(HEADER.split(" "), [
      row("1 (fanout)", "no", c.reference),
      ...c.rounds.map((r) => row(String(r.nodes), "yes", r.fanout, r)),
    ]),
    "unordered = deliveries that arrived after a later seq of their conversation (each node delivers in seq order: must be 0)",
    "gap-fills = gaps in a conversation's seq that a node read from the database after waiting 1 s for them through Redis",
    "lag-ms = mean of the nodes' causerie_cluster_lag_seconds (another node's XADD to delivery here; Redis's clock has 1 ms steps)",
    "tx = write transactions on the shared file, all nodes; tx-ms = BEGIN IMMEDIATE to COMMIT, waits for another node's lock included",
  ]
  const probed = c.rounds.filter((r) => r.probe)
  if (probed.length) {
    out.push(
      "",
      `cross-node delivery at rest (sender and one receiver on node 1, one receiver on node 2; ${probed[0]?.probe?.messages} messages one at a time; ms)`,
      table(
        ["nodes", "same-node p50", "p99", "cross-node p50", "p99", "extra p50", "p99"],
        probed.map(({ nodes, probe: p }) => [
          nodes,
          p?.sameNode.p50,
          p?.sameNode.p99,
          p?.crossNode.p50,
          p?.crossNode.p99,
          p?.extra.p50,
          p?.extra.p99,
        ]),
      ),
    )
  }
  return out
}
