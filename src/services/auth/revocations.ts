/**
 * Single revoked tokens (logout), by token id: kept in the database so a restart does not bring them
 * back, and in memory so the check on every request costs no query. A row lives until the token
 * would have expired anyway. With several nodes the database stays the truth: a node reloads the
 * list when another one says it revoked a token (sockets/acrossNodes.ts), and at least every `ttlMs` should
 * that word be lost.
 */
import { lt } from "drizzle-orm"
import { revokedTokens } from "../../../db/schema.ts"
import type { Db } from "../../db.ts"
import { commit, type Step } from "../transaction.ts"

/** The revocation list over one database. */
export function createRevocations(db: Db, { ttlMs = Number.POSITIVE_INFINITY }: { ttlMs?: number } = {}) {
  const revoked = new Map<string, number>()
  // Revocations are never undone: a read adds what it finds, and what this node knew stays.
  const read = () =>
    db
      .select()
      .from(revokedTokens)
      .then((rows) => {
        for (const r of rows) revoked.set(r.tokenId, r.expiresAt.getTime())
      })
  let loaded: Promise<void> | undefined
  let readAt = 0
  const load = () => {
    loaded ??= read().then(
      () => {
        readAt = Date.now()
      },
      (err) => {
        loaded = undefined
        throw err
      },
    )
    // Past the expiry the list is read again in the background; checks meanwhile use what is known.
    if (readAt > 0 && Date.now() - readAt >= ttlMs) {
      readAt = Date.now()
      read().catch(() => {}) // tried again after another `ttlMs`
    }
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
    async reload(): Promise<void> {
      await load()
      await read()
      readAt = Date.now()
    },
  }
}

export type Revocations = ReturnType<typeof createRevocations>
