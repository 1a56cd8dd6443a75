/**
 * Presence: a user's first device connecting and their last one leaving (after the store's grace)
 * are told to the users who share a conversation with them, and to nobody else. The time the last
 * device left is kept as `last_seen_at`.
 */
import { eq } from "drizzle-orm"
import { users } from "../../db/schema.ts"
import type { UserProfile } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { Presence } from "../stores/presence.ts"
import { asSeenByOthers } from "./userService.ts"

// Both active in one conversation, and neither having blocked it if it is a group (a group's
// blocker hears nothing from it, presence included).
const SHARED = `FROM conversation_participants me
  JOIN conversations c ON c.id = me.conversation_id
  JOIN conversation_participants o ON o.conversation_id = me.conversation_id
  WHERE me.user_id = ? AND me.left_at IS NULL AND o.left_at IS NULL AND o.user_id <> me.user_id
    AND (c.type = 'direct' OR (me.blocked_at IS NULL AND o.blocked_at IS NULL))`

export interface PresenceDeps {
  db: Db
  bus: EventBus
  presence: Presence
}

/** The presence service over one store; publishes `presence` with its recipients. */
export function createPresenceService({ db, bus, presence }: PresenceDeps) {
  const pending = new Set<Promise<void>>()
  let closing = false
  // Presence is best effort: a failed announcement or last-seen write is dropped, never thrown
  // into the socket that happened to connect or disconnect.
  const track = (work: Promise<void>) => {
    const settled = work.catch(() => {})
    pending.add(settled)
    settled.finally(() => pending.delete(settled))
  }

  async function announce(userId: number, online: boolean, lastSeenAt: Date | null) {
    const { rows } = await db.$client.execute({ sql: `SELECT DISTINCT o.user_id ${SHARED}`, args: [userId] })
    const recipients = rows.map((r) => Number(r.user_id))
    if (recipients.length === 0) return
    bus.emit("presence", { userId, online, lastSeenAt: lastSeenAt?.toISOString() ?? null, recipients })
  }

  presence.onOffline((userId, lastSeenAt) =>
    track(
      (async () => {
        await db.update(users).set({ lastSeenAt }).where(eq(users.id, userId))
        // While stopping, everyone goes offline at once and nobody is left to tell.
        if (!closing) await announce(userId, false, lastSeenAt)
      })(),
    ),
  )

  return {
    /** A device of the user connected. */
    connected(userId: number): void {
      track(
        presence
          .connected(userId)
          .then((cameOnline) => (cameOnline ? announce(userId, true, null) : undefined)),
      )
    },
    /** A device of the user disconnected. */
    disconnected(userId: number): void {
      presence.disconnected(userId)
    },

    /** A user as `viewerId` may see them: presence only when they share a conversation (or are one). */
    async profile(viewerId: number, userId: number): Promise<UserProfile> {
      const user = await db.query.users.findFirst({
        columns: { id: true, email: true, displayName: true, lastSeenAt: true },
        where: eq(users.id, userId),
      })
      if (!user) throw new AppError("NOT_FOUND", `User ${userId} does not exist`)
      const { lastSeenAt, ...own } = user
      // As every PublicUser: the email only to its owner (userService.ts).
      const publicUser = viewerId === userId ? own : asSeenByOthers(own)
      const shared =
        viewerId === userId ||
        (
          await db.$client.execute({
            sql: `SELECT 1 ${SHARED} AND o.user_id = ? LIMIT 1`,
            args: [viewerId, userId],
          })
        ).rows.length > 0
      if (!shared) return { ...publicUser, online: null, lastSeenAt: null }
      const online = (await presence.online([userId])).has(userId)
      return { ...publicUser, online, lastSeenAt: online ? null : (lastSeenAt?.toISOString() ?? null) }
    },

    /** Ends every grace (writing each last-seen time) and waits for the writes. */
    async close(): Promise<void> {
      closing = true
      await presence.close()
      await Promise.all(pending)
    },
  }
}

export type PresenceService = ReturnType<typeof createPresenceService>
