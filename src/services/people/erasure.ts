/**
 * Deleting an account, by its owner or an admin, in one transaction: the account row stays (its
 * messages and the events that name it keep their sender) with its email, name and password
 * erased; its messages become tombstones from "deleted user" (as a deletion leaves them: text, audio,
 * reactions and what the events said of them erased); it leaves each conversation as if it had left
 * (the admin role handed on, an emptied conversation archived), so conversations stay whole for
 * everyone else. Its sockets are disconnected at once. Clients that hold its messages are not told
 * message by message (an account may have sent a hundred thousand): history and sync show tombstones.
 */
import { and, eq, isNull } from "drizzle-orm"
import { conversationParticipants as cp } from "../../../db/schema.ts"
import type { PublicUser } from "../../contract.ts"
import type { Db } from "../../db.ts"
import { AppError } from "../../errors.ts"
import type { AuditAction } from "../../schemas/auditActions.ts"
import { isAbortedRecord, target } from "../audit.ts"
import { type Departure, type DepartureDeps, planDeparture } from "../departure.ts"
import { MESSAGE_CHANGES } from "../storedEvents.ts"
import { commit, type Step } from "../transaction.ts"
import { HIDDEN_EMAIL } from "../userService.ts"
import { ANOTHER_ADMIN } from "./accountRows.ts"

/** What a deleted account is called wherever it is still named. */
export const DELETED_USER_NAME = "deleted user"

export type ErasureDeps = DepartureDeps & { db: Db }

/** Account deletion over one database. */
export function createErasure(deps: ErasureDeps) {
  const { db, bus, membership, audit } = deps

  return {
    /** Deletes the account `userId`; `actorId` is who asked (the owner, or an admin). */
    async erase(userId: number, record: { action: AuditAction; actorId: number }): Promise<void> {
      const gone: PublicUser = { id: userId, email: HIDDEN_EMAIL, displayName: DELETED_USER_NAME }
      const active = await db
        .select({ conversationId: cp.conversationId })
        .from(cp)
        .where(and(eq(cp.userId, userId), isNull(cp.leftAt)))
      const departures: Departure[] = []
      for (const { conversationId } of active) {
        const state = await membership.load(conversationId)
        if (state?.members.has(userId))
          departures.push(planDeparture(deps, state, conversationId, userId, gone, "left", { record: false }))
      }
      const now = Date.now()
      const rename = (path: string) => ({
        sql: `UPDATE conversation_events SET data = json_set(data, '$.${path}.displayName', ?)
              WHERE json_extract(data, '$.${path}.id') = ?`,
        args: [DELETED_USER_NAME, userId],
      })
      const steps: Step[] = [
        // The last enabled admin stays: the record below aborts everything when this changed nothing.
        {
          sql: `UPDATE users SET email = 'deleted:' || id, display_name = ?, search_name = '', password_hash = '',
                locale = NULL, is_admin = 0, disabled_at = NULL, deleted_at = ?, token_version = token_version + 1
                WHERE id = ? AND deleted_at IS NULL AND (is_admin = 0 OR ${ANOTHER_ADMIN})`,
          args: [DELETED_USER_NAME, now, userId, userId],
        },
        audit.step({ ...record, target: target("user", userId), orAbort: true }),
        {
          sql: `UPDATE messages SET text = NULL, audio_url = NULL, deleted_at = coalesce(deleted_at, ?),
                deleted_by = coalesce(deleted_by, ?) WHERE sender_id = ?`,
          args: [now, userId, userId],
        },
        {
          sql: "DELETE FROM message_reactions WHERE message_id IN (SELECT id FROM messages WHERE sender_id = ?)",
          args: [userId],
        },
        // Their files are carried no more; the uploads sweep removes them.
        {
          sql: "DELETE FROM message_attachments WHERE message_id IN (SELECT id FROM messages WHERE sender_id = ?)",
          args: [userId],
        },
        {
          sql: `UPDATE conversation_events SET data = json_object('messageId', message_id)
                WHERE message_id IN (SELECT id FROM messages WHERE sender_id = ?)
                AND type IN (${MESSAGE_CHANGES.map(() => "?").join(", ")})`,
          args: [userId, ...MESSAGE_CHANGES],
        },
        // What the stored events said of the account (who acted, who was added) now names nobody.
        rename("by"),
        rename("participant"),
        { sql: "DELETE FROM password_resets WHERE user_id = ?", args: [userId] },
      ]
      const offsets = departures.map((d) => {
        const offset = steps.length
        steps.push(...d.steps)
        return offset
      })
      let results: Awaited<ReturnType<typeof commit>>
      try {
        results = await commit(db, steps)
      } catch (err) {
        if (!isAbortedRecord(err)) throw err
        const row = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, userId) })
        if (!row || row.deletedAt) throw new AppError("NOT_FOUND", `User ${userId} does not exist`)
        throw new AppError(
          "BAD_REQUEST",
          "The server needs an enabled admin: make another account admin first",
        )
      }
      for (const [i, departure] of departures.entries()) departure.publish(results, offsets[i])
      bus.emit("sessions_revoked", { userId })
    },
  }
}

export type Erasure = ReturnType<typeof createErasure>
