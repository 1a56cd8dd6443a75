/**
 * Single revoked tokens (logout), by token id: kept in the database so a restart does not bring them
 * back, and in memory so the check on every request costs no query. A row lives until the token
 * would have expired anyway.
 */
import { lt } from "drizzle-orm"
import { revokedTokens } from "../../../db/schema.ts"
import type { Db } from "../../db.ts"
import { commit, type Step } from "../transaction.ts"

/** The revocation list over one database. */
export function createRevocations(db: Db) {
  const revoked = new Map<string, number>()
  let loaded: Promise<void> | undefined
  const load = () => {
    loaded ??= db
      .select()
      .from(revokedTokens)
      .then((rows) => {
        for (const r of rows) revoked.set(r.tokenId, r.expiresAt.getTime())
      })
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
  }
}

export type Revocations = ReturnType<typeof createRevocations>
