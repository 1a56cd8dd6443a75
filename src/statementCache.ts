/**
 * Prepared statements kept per connection. `@libsql/client` prepares every statement again on every
 * call (a profile of the fan-out bench put 18% of the server's CPU in `prepare`), and it has no option
 * to keep them. Its local backend prepares through the `libsql` package's `Database#prepare`, so that
 * method is wrapped here, once per process, with a small LRU cache per connection: the same SQL text
 * returns the same statement, which SQLite resets before each run. test/statement-cache.test.ts fails
 * if a query through the client stops hitting the cache.
 */
import Database from "libsql"

/** Distinct SQL texts kept per connection; the group-commit batches use fewer than a hundred shapes. */
const PER_CONNECTION = 256

interface CachedStatement {
  pluckMode: boolean
  columns(): unknown[]
}
type Prepare = (this: object, sql: string) => CachedStatement
type Close = (this: object) => void

const statements = new WeakMap<object, Map<string, CachedStatement>>()
const counts = { hits: 0, misses: 0 }
let installed = false

/** Statements served from the cache and prepared afresh since the process started. */
export function statementCacheStats(): { hits: number; misses: number } {
  return { ...counts }
}

/** Makes every `libsql` connection of this process keep its prepared statements; idempotent. */
export function reuseStatements(): void {
  if (installed) return
  installed = true
  const proto = Database.prototype as unknown as { prepare: Prepare; close: Close }
  const prepare = proto.prepare
  const close = proto.close
  proto.prepare = function cachedPrepare(sql) {
    let cache = statements.get(this)
    if (!cache) {
      cache = new Map()
      statements.set(this, cache)
    }
    const hit = cache.get(sql)
    if (hit) {
      counts.hits++
      // Most recently used last: the first key is the one to evict.
      cache.delete(sql)
      cache.set(sql, hit)
      // `Database#pragma` turns pluck on for its own statement; the client expects rows.
      hit.pluckMode = false
      return hit
    }
    counts.misses++
    const fresh = prepare.call(this, sql)
    // The client asks twice per run, each a native call; a statement's columns are fixed once it is
    // prepared (our SQL names its columns, and the schema changes only at start, before the queries).
    const columns = fresh.columns.bind(fresh)
    let known: unknown[] | undefined
    fresh.columns = () => {
      known ??= columns()
      return known
    }
    cache.set(sql, fresh)
    if (cache.size > PER_CONNECTION) cache.delete(cache.keys().next().value as string)
    return fresh
  }
  // A statement keeps its connection alive: let them go with it.
  proto.close = function closeAndForget() {
    statements.delete(this)
    close.call(this)
  }
}
