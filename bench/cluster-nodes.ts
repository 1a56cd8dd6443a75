// N real nodes on one SQLite file and one Redis, as docs/scaling.md runs them,
// presented to the fanout as one target whose clients spread over the nodes.
import { startRedis } from "./redis.ts"
import { newServerFiles, removeServerFiles, startServer, type Target } from "./servers.ts"

/**
 * What differs from the single-node runs: Redis, and the message and join limits switched on but
 * far out of reach, so that every send pays its shared-bucket round trip to Redis as in production
 * without ever being refused.
 */
const clusterEnv = (redisUrl: string): Record<string, string> => ({
  REDIS_URL: redisUrl,
  RATE_LIMIT_MESSAGES_PER_SECOND: "1000000",
  RATE_LIMIT_MESSAGES_BURST: "1000000",
  RATE_LIMIT_JOINS_PER_SECOND: "1000000",
  RATE_LIMIT_JOINS_BURST: "1000000",
})

/** Starts `count` nodes (and a Redis of their own), runs `fn`, stops and removes everything. */
export async function withCluster<T>(count: number, fn: (target: Target) => Promise<T>): Promise<T> {
  const files = newServerFiles()
  const redis = await startRedis()
  const started: Target[] = []
  try {
    const env = clusterEnv(redis.url)
    // The first node creates the schema; the others then open it migrated, at once.
    started.push(await startServer("real", files, env))
    const rest = await Promise.allSettled(
      Array.from({ length: count - 1 }, () => startServer("real", files, env)),
    )
    for (const r of rest) if (r.status === "fulfilled") started.push(r.value)
    const refused = rest.find((r) => r.status === "rejected")
    if (refused) throw refused.reason
    const first = started[0]!
    const target: Target = {
      kind: "real",
      url: first.url,
      pid: first.pid,
      nodes: started.map((t) => ({ url: t.url, pid: t.pid ?? 0 })),
      redisPid: redis.pid,
      logTail: () => started.map((t, i) => `[node ${i + 1}] ${t.logTail()}`).join("\n"),
      stop: async () => {},
    }
    try {
      return await fn(target)
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err)
      const tail = target.logTail().trim()
      throw new Error(tail ? `${msg}\n--- node output (tail) ---\n${tail}` : msg)
    }
  } finally {
    await Promise.all(started.map((t) => t.stop()))
    await redis.stop()
    removeServerFiles(files)
  }
}

/** The database and adapter side of a run, summed over every node's /metrics (loopback needs no token). */
export type NodeCounters = {
  messages: number
  transactions: number
  transactionSeconds: number
  lagCount: number
  lagSeconds: number
  /** Gaps in a conversation's seq that a node read from the database (sockets/reorder.ts). */
  gapFills: number
}

const BATCH = '{operation="batch",outcome="ok"}'

export async function nodeCounters(target: Target): Promise<NodeCounters> {
  const urls = target.nodes?.map((n) => n.url) ?? [target.url]
  const texts = await Promise.all(urls.map((u) => fetch(`${u}/metrics`).then((r) => r.text())))
  const lines = texts.flatMap((t) => t.split("\n"))
  // Summed over the nodes; a series appears with its first observation, so absent means zero.
  const sum = (series: string) =>
    lines.filter((l) => l.startsWith(`${series} `)).reduce((a, l) => a + Number(l.slice(series.length)), 0)
  return {
    messages: sum("causerie_messages_stored_total"),
    // A message batch is one libSQL batch = one BEGIN IMMEDIATE ... COMMIT.
    transactions: sum(`causerie_db_query_duration_seconds_count${BATCH}`),
    transactionSeconds: sum(`causerie_db_query_duration_seconds_sum${BATCH}`),
    lagCount: sum("causerie_cluster_lag_seconds_count"),
    lagSeconds: sum("causerie_cluster_lag_seconds_sum"),
    gapFills: sum("causerie_cluster_gap_fills_total"),
  }
}
