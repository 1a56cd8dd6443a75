/** Invitations to register: made, listed and revoked by server admins; used up by registrations. */
import type { InStatement } from "@libsql/client"
import { desc, eq } from "drizzle-orm"
import { invites } from "../../../db/schema.ts"
import type { CreatedInvite, Invite } from "../../contract.ts"
import type { Db } from "../../db.ts"
import { AppError } from "../../errors.ts"
import type { CreateInviteInput } from "../../schemas/peopleInputs.ts"
import { type AuditLog, target } from "../audit.ts"
import { commit } from "../transaction.ts"
import { hashToken, newToken } from "./secrets.ts"

type InviteRow = typeof invites.$inferSelect

const statusOf = (r: InviteRow, now: number): Invite["status"] =>
  r.revokedAt ? "revoked" : r.uses >= r.maxUses ? "used" : r.expiresAt.getTime() <= now ? "expired" : "active"

const toInvite = (r: InviteRow, now = Date.now()): Invite => ({
  id: r.id,
  email: r.email,
  maxUses: r.maxUses,
  uses: r.uses,
  expiresAt: r.expiresAt.toISOString(),
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
  revokedAt: r.revokedAt?.toISOString() ?? null,
  status: statusOf(r, now),
})

/** Why an invite cannot be used now, as the registration refusal says it. */
const REFUSALS: Record<Exclude<Invite["status"], "active">, string> = {
  revoked: "This invite has been revoked",
  used: "This invite has already been used",
  expired: "This invite has expired",
}

export interface InviteDeps {
  db: Db
  audit: AuditLog
  /** An invite's lifetime when its maker gives none. */
  defaultTtlSeconds: number
}

/** Invites over one database. */
export function createInvites({ db, audit, defaultTtlSeconds }: InviteDeps) {
  return {
    /** A new invite; its token is in the answer only. */
    async create(actorId: number, input: CreateInviteInput): Promise<CreatedInvite> {
      const token = newToken()
      const expiresAt = new Date(Date.now() + (input.expiresIn ?? defaultTtlSeconds) * 1000)
      const insert = db
        .insert(invites)
        .values({
          tokenHash: hashToken(token),
          email: input.email ?? null,
          maxUses: input.uses,
          expiresAt,
          createdBy: actorId,
          createdAt: new Date(),
        })
        .returning()
      const [inserted] = await commit(db, [
        insert,
        audit.step({
          action: "admin.invite_create",
          actorId,
          target: { sql: "'invite:' || last_insert_rowid()", args: [] },
          details: { email: input.email ?? null, maxUses: input.uses, expiresAt: expiresAt.toISOString() },
        }),
      ])
      const row = await db.query.invites.findFirst({ where: eq(invites.id, Number(inserted!.rows[0]!.id)) })
      return { invite: toInvite(row!), token }
    },

    /** Every invite, newest first, with its status. */
    async list(): Promise<Invite[]> {
      const now = Date.now()
      return (await db.select().from(invites).orderBy(desc(invites.id))).map((r) => toInvite(r, now))
    },

    /** Revokes an invite; revoking it again answers it as it is. */
    async revoke(actorId: number, id: number): Promise<Invite> {
      const now = new Date()
      await commit(db, [
        {
          sql: "UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
          args: [now.getTime(), id],
        },
        audit.step({ action: "admin.invite_revoke", actorId, target: target("invite", id), ifChanged: true }),
      ])
      const row = await db.query.invites.findFirst({ where: eq(invites.id, id) })
      if (!row) throw new AppError("NOT_FOUND", `Invite ${id} does not exist`)
      return toInvite(row)
    },

    /** The invite a registration may use, or FORBIDDEN saying why not. */
    async check(token: string, email: string): Promise<InviteRow> {
      const row = await db.query.invites.findFirst({ where: eq(invites.tokenHash, hashToken(token)) })
      if (!row) throw new AppError("FORBIDDEN", "This invite is not valid")
      const status = statusOf(row, Date.now())
      if (status !== "active") throw new AppError("FORBIDDEN", REFUSALS[status])
      if (row.email !== null && row.email !== email) {
        throw new AppError("FORBIDDEN", "This invite is for another email address")
      }
      return row
    },

    /**
     * Counts one use, only while the invite is still valid: the registration's INSERT follows with
     * `ifChanged`, so two registrations racing for its last use cannot both get in.
     */
    useStep(id: number, email: string): InStatement {
      return {
        sql: `UPDATE invites SET uses = uses + 1 WHERE id = ? AND revoked_at IS NULL AND expires_at > ?
              AND uses < max_uses AND (email IS NULL OR email = ?)`,
        args: [id, Date.now(), email],
      }
    },
  }
}

export type Invites = ReturnType<typeof createInvites>
