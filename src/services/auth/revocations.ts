/**
 * Single revoked tokens (logout), by token id: kept in the database so a restart does not bring them
 * back, and in memory so the check on every request costs no query. A row lives until the token
 * would have expired anyway. With several nodes the database stays the truth: a node reloads the
 * list when another one says it revoked a token (server.ts), and at least every `ttlMs` should
 * that word be lost.
 */
import { lt } from "drizzle-orm"
import { revokedTokens } from "../../../db/schema.ts"
import type { Db } from "../../db.ts"
import { commit, type Step } from "../transaction.ts"

/** The revocation list over one database. */
export function createRevocations(db: Db, { ttlMs = Number.POSITIVE_INFINITY }: { ttlMs?: number } = {}) {
  const revoked = new Map<string, number>()
  let loaded: Promise<void> | undefined
  let loadedAt = 0
  const load = () => {
    if (loaded && Date.now() - loadedAt >= ttlMs) loaded = undefined
    if (loaded) return loaded
    loadedAt = Date.now()
    loaded = db
      .select()
      .from(revokedTokens)
      .then(
        (rows) => {
          // Revocations are never undone: what this node knew and the read missed stays.
          for (const r of rows) revoked.set(r.tokenId, r.expiresAt.getTime())
        },
        (err) => {
          loaded = undefined
          throw err
        },
      )
    return loaded
  }

  /** Forgets what has expired, here and on disk. */
  async function sweep(now: number): Promise<void> {
    for (const [id, expiresAt] of revoked) if (expiresAt <= now) revoked.delete(id)
    await db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, new Date(now)))
  }

  return {
    async isRevoked(tokenId: string): Promise<boolean> {
      await load()
      return revoked.has(tokenId)
    },
    /** Revokes one token until `expiresAt` (ms since the epoch); `with` commits in the same transaction. */
    async revoke(tokenId: string, expiresAt: number, withSteps: Step[] = []): Promise<void> {
      await load()
      await commit(db, [
        db
          .insert(revokedTokens)
          .values({ tokenId, expiresAt: new Date(expiresAt) })
          .onConflictDoNothing(),
        ...withSteps,
      ])
      revoked.set(tokenId, expiresAt)
      await sweep(Date.now())
    },
    /** Reads the list from the database again (another node revoked a token); resolves once read. */
    reload(): Promise<void> {
      loaded = undefined
      return load()
    },
  }
}

export type Revocations = ReturnType<typeof createRevocations>
