/**
 * Whether the database can write. A write refused for lack of space (or an I/O error) marks it failing
 * and /readyz answers 503, so a load balancer sends clients elsewhere; any write that succeeds marks it
 * healthy again. While failing, each readiness check tries one small real write itself, so the server
 * comes back once space is freed even if no client writes in the meantime.
 */
import type { Client } from "@libsql/client"
import { isStorageFailure } from "../errors.ts"
import type { Logger } from "./logger.ts"

/** Tracks write outcomes; `ready()` is the write half of /readyz. */
export function createStorageHealth(client: Pick<Client, "execute">, logger: Logger) {
  let failing = false
  const health = {
    get failing() {
      return failing
    },
    /** Called with the outcome of every database call that writes. */
    observeWrite(err: unknown): void {
      if (err === undefined) {
        if (failing) logger.info({ event: "storage", outcome: "ok" }, "database writes succeed again")
        failing = false
      } else if (isStorageFailure(err) && !failing) {
        failing = true
        logger.error({ event: "storage", outcome: "failing", err }, "database writes fail: is the disk full?")
      }
    },
    async ready(): Promise<boolean> {
      if (!failing) return true
      try {
        // Rewriting the header's user_version (unused here) needs a page of space, like any write.
        const { rows } = await client.execute("PRAGMA user_version")
        await client.execute(`PRAGMA user_version = ${Number(rows[0]?.user_version ?? 0)}`)
      } catch {
        return false
      }
      return !failing
    },
  }
  return health
}

export type StorageHealth = ReturnType<typeof createStorageHealth>
