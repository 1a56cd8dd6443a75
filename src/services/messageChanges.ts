/**
 * Edits and deletions: each change is committed with its sequenced event in one transaction, then
 * published. A deletion leaves a tombstone and erases the text, audio, reactions and what the
 * events said about them; the search index follows through its triggers, in the same transaction.
 */
import type { AckPayload, PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { EventBus } from "../events.ts"
import type { Membership } from "../stores/membership.ts"
import type { createTokenBucket } from "../stores/rateLimits.ts"
import { type AuditLog, target as auditTarget } from "./audit.ts"
import { fromRow, selectMessage } from "./messageRows.ts"
import { MESSAGE_CHANGES, storedSeq, storeEvent } from "./storedEvents.ts"
import { commit } from "./transaction.ts"
import type { Uploads } from "./uploads.ts"

export interface MessageChangeDeps {
  db: Db
  membership: Membership
  bus: EventBus
  audit: AuditLog
  /** The sender's message limit: an edit costs as much as a send. */
  sendLimit: ReturnType<typeof createTokenBucket>
  /** A deleted message's files go once nothing else carries them. */
  uploads: Uploads
}

const gone = (messageId: number) => new AppError("NOT_FOUND", `Message ${messageId} does not exist`)

/** What the permission checks of an edit, deletion or reaction need to know of a message. */
async function messageTarget(db: Db, id: number) {
  const { rows } = await db.$client.execute({
    sql: "SELECT conversation_id, sender_id, text IS NOT NULL AS has_text, deleted_at FROM messages WHERE id = ?",
    args: [id],
  })
  const r = rows[0]
  if (!r) return undefined
  return {
    conversationId: Number(r.conversation_id),
    senderId: Number(r.sender_id),
    hasText: Boolean(r.has_text),
    deleted: r.deleted_at !== null,
  }
}

/** The live message (not deleted) with this id, or NOT_FOUND. */
export async function liveMessage(db: Db, messageId: number) {
  const target = await messageTarget(db, messageId)
  if (!target || target.deleted) throw gone(messageId)
  return target
}

/** Edits and deletions over one database; publishes `message_edited` and `message_deleted`. */
export function createMessageChanges({ db, membership, bus, audit, sendLimit, uploads }: MessageChangeDeps) {
  return {
    /** The sender, still an unblocked participant, replaces the text of a text message. */
    async edit(user: PublicUser, messageId: number, text: string): Promise<AckPayload<"edit_message">> {
      const target = await liveMessage(db, messageId)
      const { conversationId } = target
      await membership.requireUnblocked(conversationId, user.id)
      if (target.senderId !== user.id) throw new AppError("FORBIDDEN", "Only its sender can edit a message")
      if (!target.hasText) {
        throw new AppError("BAD_REQUEST", "messageId: only a text message can be edited", {
          field: "messageId",
        })
      }
      await sendLimit.consume(user.id)
      const results = await commit(db, [
        {
          sql: "UPDATE messages SET text = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL",
          args: [text, Date.now(), messageId],
        },
        // Only a reference is stored: replay reads the message as it stands, and a deletion
        // leaves no old text behind in the events.
        ...storeEvent(conversationId, "message_edited", { messageId }, { messageId, ifChanged: true }),
        selectMessage(messageId, user.id),
      ])
      const seq = storedSeq(results[2])
      if (Number.isNaN(seq)) throw gone(messageId)
      const message = fromRow(results[3]!.rows[0]!)
      // One payload for the whole room: nobody's `me` (see schemas/messageParts.ts).
      const forRoom = { ...message, reactions: message.reactions.map((r) => ({ ...r, me: false })) }
      bus.emit("message_edited", { conversationId, seq, message: forRoom })
      return { conversationId, seq, message }
    },

    /** The sender (while a participant) or an admin of the group deletes a message. */
    async remove(user: PublicUser, messageId: number): Promise<AckPayload<"delete_message">> {
      const target = await liveMessage(db, messageId)
      const { conversationId } = target
      const { state, member } = await membership.require(conversationId, user.id)
      const admin = state.type === "group" && member.role === "admin"
      if (target.senderId !== user.id && !admin) {
        throw new AppError("FORBIDDEN", "Only its sender or an admin of the group can delete a message")
      }
      // A message's attachments never change once it is sent: read before the deletion.
      const attached = (
        await db.$client.execute({
          sql: "SELECT upload_id FROM message_attachments WHERE message_id = ?",
          args: [messageId],
        })
      ).rows.map((r) => String(r.upload_id))
      const results = await commit(db, [
        {
          sql: `UPDATE messages SET text = NULL, audio_url = NULL, deleted_at = ?, deleted_by = ?
                 WHERE id = ? AND deleted_at IS NULL`,
          args: [Date.now(), user.id, messageId],
        },
        ...storeEvent(
          conversationId,
          "message_deleted",
          { messageId, deletedBy: user.id },
          { messageId, ifChanged: true },
        ),
        // An admin taking down someone else's message answers for it (recorded only if the event was
        // stored, i.e. the message was still there); a sender's own deletion is not recorded.
        ...(target.senderId === user.id
          ? []
          : [
              audit.step({
                action: "message.delete",
                actorId: user.id,
                target: auditTarget("message", messageId),
                details: { conversationId, senderId: target.senderId },
                ifChanged: true,
              }),
            ]),
        { sql: "DELETE FROM message_reactions WHERE message_id = ?", args: [messageId] },
        { sql: "DELETE FROM message_attachments WHERE message_id = ?", args: [messageId] },
        {
          sql: `UPDATE conversation_events SET data = json_object('messageId', message_id)
                 WHERE message_id = ? AND type IN (${MESSAGE_CHANGES.map(() => "?").join(", ")})`,
          args: [messageId, ...MESSAGE_CHANGES],
        },
      ])
      const seq = storedSeq(results[2])
      if (Number.isNaN(seq)) throw gone(messageId)
      const payload = { conversationId, seq, messageId, deletedBy: user.id }
      bus.emit("message_deleted", payload)
      // Files no other message carries; one whose removal fails is left to the daily sweep.
      await uploads.collect(attached).catch(() => {})
      return payload
    },
  }
}

export type MessageChanges = ReturnType<typeof createMessageChanges>
