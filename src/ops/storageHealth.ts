/**
 * Whether the database can write. A write refused for lack of space (or an I/O error) marks it failing
 * and /readyz answers 503, so a load balancer sends clients elsewhere; any write that succeeds marks it
 * healthy again. While failing, each readiness check tries one small real write itself, so the server
 * comes back once space is freed even if no client writes in the meantime.
 */
import { statfsSync } from "node:fs"
import type { Client } from "@libsql/client"
import { isStorageFailure } from "../errors.ts"
import type { Logger } from "./logger.ts"

/**
 * Free space a local database's filesystem needs again before the probe is tried. The probe alone is
 * not enough: a write refused for space leaves its pages in the write-ahead log's file, where a one-page
 * probe fits while the next message still does not.
 */
export const MIN_FREE_BYTES = 1024 * 1024

/** The space an unprivileged process may still use in the filesystem holding `dir`, or undefined. */
export function freeBytesAt(dir: string): number | undefined {
  try {
    const fs = statfsSync(dir)
    return fs.bavail * fs.bsize
  } catch {
    return undefined
  }
}

/**
 * Tracks write outcomes; `ready()` is the write half of /readyz. `freeBytes` tells the free space under
 * a local database (undefined: unknown, a remote one).
 */
export function createStorageHealth(
  client: Pick<Client, "execute">,
  logger: Logger,
  freeBytes: () => number | undefined = () => undefined,
) {
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
      const free = freeBytes()
      if (free !== undefined && free < MIN_FREE_BYTES) return false
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
