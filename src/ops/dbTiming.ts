/** Database latency: times the libSQL client's calls for the metrics, and reports how writes fare. */
import type { Client, InStatement } from "@libsql/client"
import type { Metrics } from "./metrics.ts"

/** Told the outcome of every call that writes (undefined when it succeeded). */
export type WriteObserver = (err: unknown) => void

const WRITE_SQL = /^\s*(insert|update|delete|replace|pragma\s+\w+\s*=)/i
const writes = (statement: InStatement | [string, unknown?]) =>
  WRITE_SQL.test(
    typeof statement === "string" ? statement : Array.isArray(statement) ? statement[0] : statement.sql,
  )

/**
 * Times every call the client makes. Patches the instance, which Drizzle holds too, so every query
 * is measured without touching the services; two clock reads and one observation per call.
 */
export function timeDatabase(
  client: Client,
  metrics: Pick<Metrics, "dbQuery">,
  observeWrite: WriteObserver = () => {},
): void {
  const timed =
    <A extends unknown[], R>(
      operation: "execute" | "batch",
      fn: (...args: A) => Promise<R>,
      isWrite: (...args: A) => boolean,
    ) =>
    async (...args: A): Promise<R> => {
      const started = performance.now()
      let ok = false
      try {
        const result = await fn(...args)
        ok = true
        if (isWrite(...args)) observeWrite(undefined)
        return result
      } catch (err) {
        if (isWrite(...args)) observeWrite(err)
        throw err
      } finally {
        metrics.dbQuery(operation, (performance.now() - started) / 1000, ok)
      }
    }
  client.execute = timed(
    "execute",
    client.execute.bind(client) as (s: InStatement) => Promise<unknown>,
    (s) => writes(s),
  ) as Client["execute"]
  client.batch = timed(
    "batch",
    client.batch.bind(client),
    (statements, mode) => mode === "write" || statements.some(writes),
  )
}
