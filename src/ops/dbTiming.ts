/** Database latency: times the libSQL client's calls for the metrics. */
import type { Client } from "@libsql/client"
import type { Metrics } from "./metrics.ts"

/**
 * Times every call the client makes. Patches the instance, which Drizzle holds too, so every query
 * is measured without touching the services; two clock reads and one observation per call.
 */
export function timeDatabase(client: Client, metrics: Pick<Metrics, "dbQuery">): void {
  const timed =
    <A extends unknown[], R>(operation: "execute" | "batch", fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now()
      let ok = false
      try {
        const result = await fn(...args)
        ok = true
        return result
      } finally {
        metrics.dbQuery(operation, (performance.now() - started) / 1000, ok)
      }
    }
  client.execute = timed("execute", client.execute.bind(client)) as Client["execute"]
  client.batch = timed("batch", client.batch.bind(client))
}
