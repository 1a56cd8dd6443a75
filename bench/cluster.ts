// Cluster scenario: the durable fanout with the same load on 1, 2 and 3 nodes
// (one Redis, one SQLite file, all on this machine), clients round-robin over the
// nodes so that every conversation spans them; then, at rest, the cross-node probe.

import { type NodeCounters, nodeCounters, withCluster } from "./cluster-nodes.ts"
import { type ProbeResult, probeCrossNode } from "./cluster-probe.ts"
import { type FanoutParams, type FanoutResult, runFanout } from "./fanout.ts"
import { round } from "./histogram.ts"
import type { WorkerPool } from "./worker-pool.ts"

/** The database's side of one round, over all nodes, during the timed phase. */
export type WriteRates = {
  messagesPerSec: number
  transactionsPerSec: number
  messagesPerTransaction: number
  meanTransactionMs: number // BEGIN IMMEDIATE to COMMIT, waiting for another node's lock included
  /** The nodes' own causerie_cluster_lag_seconds: another node's XADD to delivery here, mean. */
  meanAdapterLagMs?: number
  /** Gaps that did not come through Redis within the reorder step's wait and were read from the database. */
  gapFills: number
}

export type ClusterRound = {
  nodes: number
  fanout: FanoutResult
  writes: WriteRates
  probe?: ProbeResult
  failures: string[]
}

export type ClusterResult = {
  params: FanoutParams
  /** The single node without REDIS_URL at the same load: the `fanout` scenario's figure. */
  reference: FanoutResult
  rounds: ClusterRound[]
  failures: string[]
}

export type ClusterOptions = {
  params: FanoutParams
  nodeCounts: number[]
  probeMessages: number
  reference: FanoutResult
  quick: boolean
  log: (line: string) => void
}

export async function runCluster(workers: WorkerPool, o: ClusterOptions): Promise<ClusterResult> {
  const rounds: ClusterRound[] = []
  for (const nodes of o.nodeCounts) {
    o.log(`cluster: ${nodes} node(s) on one Redis and one SQLite file`)
    rounds.push(await withCluster(nodes, (target) => oneRound(target, nodes, workers, o)))
  }
  const failures = rounds.flatMap((r) => r.failures.map((f) => `${r.nodes} nodes: ${f}`))
  return { params: o.params, reference: o.reference, rounds, failures }
}

async function oneRound(
  target: Parameters<typeof runFanout>[0],
  nodes: number,
  workers: WorkerPool,
  o: ClusterOptions,
): Promise<ClusterRound> {
  let before: NodeCounters | undefined
  let after: NodeCounters | undefined
  let startedAt = 0
  let endedAt = 0
  const fanout = await runFanout(target, workers, o.params, o.quick, {
    // Every node hands each conversation's events to its sockets in seq order (sockets/reorder.ts),
    // whichever node committed them: exactly once and in order are both checked.
    anyArrivalOrder: false,
    before: async () => {
      before = await nodeCounters(target)
      startedAt = performance.now()
    },
    after: async () => {
      endedAt = performance.now()
      after = await nodeCounters(target)
    },
  })
  const writes = rates(before!, after!, (endedAt - startedAt) / 1000)
  // At rest, after the load: the nodes are warm and nothing else queues in front of the probe.
  const probe = nodes > 1 ? await probeCrossNode(target, o.probeMessages) : undefined
  const failures = [...fanout.failures]
  // Round-robin puts every conversation on several nodes: no cross-node delivery means no test.
  if (nodes > 1 && !fanout.latencyByNode?.crossNode.samples) failures.push("no delivery crossed nodes")
  return { nodes, fanout, writes, probe, failures }
}

function rates(before: NodeCounters, after: NodeCounters, seconds: number): WriteRates {
  const messages = after.messages - before.messages
  const transactions = after.transactions - before.transactions
  const busy = after.transactionSeconds - before.transactionSeconds
  return {
    messagesPerSec: Math.round(messages / seconds),
    transactionsPerSec: Math.round(transactions / seconds),
    messagesPerTransaction: round(messages / transactions, 1),
    meanTransactionMs: round((busy / transactions) * 1000, 2),
    gapFills: after.gapFills - before.gapFills,
    ...(after.lagCount > before.lagCount && {
      meanAdapterLagMs: round(
        ((after.lagSeconds - before.lagSeconds) / (after.lagCount - before.lagCount)) * 1000,
        2,
      ),
    }),
  }
}
