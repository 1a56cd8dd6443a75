/**
 * Uploads: receiving a file (streamed to storage, type sniffed), who may download it, checking the
 * attachments of a send, and removing files nothing references any more: at once when the last
 * message carrying one is deleted, after a day for one never attached.
 */
import { randomBytes } from "node:crypto"
import { unlink } from "node:fs/promises"
import type { Row } from "@libsql/client"
import type { Attachment, PublicUser } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { TokenBucket } from "../stores/rateLimits.ts"
import { receive } from "../stores/uploads/receive.ts"
import type { UploadStorage } from "../stores/uploads/storage.ts"
import { toAttachment } from "./messageRows.ts"

export interface UploadDeps {
  db: Db
  storage: UploadStorage
  maxBytes: number
  /** What one uploader may keep in all (UPLOAD_QUOTA_BYTES; 0: no limit). */
  quotaBytes?: number
  /** The MIME types one may upload (UPLOAD_TYPES). */
  types: readonly string[]
  /** Per uploader: the messages limit, so files cannot be sent faster than messages. */
  limit: TokenBucket
}

/** An upload never attached to a message is removed after this long. */
export const UNATTACHED_TTL_MS = 24 * 60 * 60 * 1000

/** An upload as the download needs it. */
export interface StoredUpload extends Attachment {
  storageKey: string
}

const UNREFERENCED = "NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.upload_id = u.id)"

const stored = (r: Row): StoredUpload => ({
  ...toAttachment(
    String(r.id),
    String(r.name),
    String(r.mime),
    Number(r.size),
    r.duration_ms === null ? null : Number(r.duration_ms),
  ),
  storageKey: String(r.storage_key),
})

/** The bytes one uploader keeps, on the (uploader_id, size) index. */
const KEPT_BY = "SELECT coalesce(sum(size), 0) AS n FROM uploads WHERE uploader_id = ?"

/** The upload service over one database and one storage. */
export function createUploads({ db, storage, maxBytes, quotaBytes = 0, types, limit }: UploadDeps) {
  const query = async (sql: string, args: (string | number | null)[]) =>
    (await db.$client.execute({ sql, args })).rows

  /** Bytes of the files `uploaderId` keeps (sent, or waiting to be). */
  const keptBy = async (uploaderId: number) => Number((await query(KEPT_BY, [uploaderId]))[0]!.n)

  /** Removes the files of these unreferenced uploads, then their rows; a failed removal is tried again by the sweep. */
  async function removeUnreferenced(where: string, args: (string | number)[]): Promise<number> {
    const rows = await query(`SELECT id, storage_key FROM uploads u WHERE ${where} AND ${UNREFERENCED}`, args)
    let removed = 0
    for (const r of rows) {
      try {
        await storage.remove(String(r.storage_key))
      } catch {
        continue
      }
      await query(`DELETE FROM uploads AS u WHERE id = ? AND ${UNREFERENCED}`, [String(r.id)])
      removed++
    }
    return removed
  }

  return {
    storage,

    /**
     * Receives a file from `uploader`: `declaredSize` (Content-Length) over the limit is refused before
     * anything is read; then the body is counted as it streams in.
     */
    async create(
      uploader: PublicUser,
      meta: { name: string; durationMs: number | null },
      body: ReadableStream<Uint8Array> | null,
      declaredSize?: number,
    ): Promise<Attachment> {
      if (declaredSize !== undefined && declaredSize > maxBytes)
        throw new AppError("PAYLOAD_TOO_LARGE", `The file is over ${maxBytes} bytes (UPLOAD_MAX_BYTES)`)
      await limit.consume(uploader.id)
      // The quota bounds the body as it streams; the INSERT checks it again, for uploads side by side.
      const left = quotaBytes > 0 ? quotaBytes - (await keptBy(uploader.id)) : Number.POSITIVE_INFINITY
      const overQuota = () =>
        new AppError(
          "PAYLOAD_TOO_LARGE",
          `Your files would take more than ${quotaBytes} bytes (UPLOAD_QUOTA_BYTES); delete some messages with files first`,
        )
      if (left <= 0 || (declaredSize !== undefined && declaredSize > left)) throw overQuota()
      const file = await receive(body, {
        dir: storage.partialDir,
        maxBytes: Math.min(maxBytes, left),
        types,
        ...(left < maxBytes ? { tooLarge: overQuota } : {}),
      })
      const id = randomBytes(16).toString("base64url")
      try {
        await storage.keep(file.path, id, file.mime)
      } catch (err) {
        await unlink(file.path).catch(() => {})
        throw err
      }
      let stored: boolean
      try {
        const { rowsAffected } = await db.$client.execute({
          sql: `INSERT INTO uploads (id, uploader_id, name, mime, size, duration_ms, storage_key)
                SELECT ?, ?, ?, ?, ?, ?, ?
                 WHERE ? = 0 OR (${KEPT_BY}) + ? <= ?`,
          args: [
            ...[id, uploader.id, meta.name, file.mime, file.size, meta.durationMs, id],
            ...[quotaBytes, uploader.id, file.size, quotaBytes],
          ],
        })
        stored = rowsAffected === 1
      } catch (err) {
        await storage.remove(id).catch(() => {})
        throw err
      }
      if (!stored) {
        await storage.remove(id).catch(() => {})
        throw overQuota()
      }
      return toAttachment(id, meta.name, file.mime, file.size, meta.durationMs)
    },

    /**
     * The upload, for its uploader or a participant of a conversation where a message carrying it was
     * posted: a current one, or one who left or was removed after it (sync gives them the events up
     * to their departure, so the files those messages name); NOT_FOUND for anyone else, as for an
     * unknown id.
     */
    async open(userId: number, id: string): Promise<StoredUpload> {
      const [row] = await query(
        `SELECT u.* FROM uploads u WHERE u.id = ? AND (u.uploader_id = ? OR EXISTS (
           SELECT 1 FROM message_attachments a JOIN messages m ON m.id = a.message_id
             JOIN conversation_participants p ON p.conversation_id = m.conversation_id
            WHERE a.upload_id = u.id AND p.user_id = ? AND (p.left_at IS NULL OR m.seq <= p.left_seq)))`,
        [id, userId, userId],
      )
      if (!row) throw new AppError("NOT_FOUND", "No such upload")
      return stored(row)
    },

    /** The attachments of a send, in the order given: each must be an upload of the sender's. */
    async attachable(senderId: number, ids: string[]): Promise<Attachment[]> {
      if (ids.length === 0) return []
      const rows = await query(
        `SELECT * FROM uploads WHERE uploader_id = ? AND id IN (${ids.map(() => "?").join(", ")})`,
        [senderId, ...ids],
      )
      const byId = new Map(rows.map((r) => [String(r.id), stored(r)]))
      const unknown = ids.find((id) => !byId.has(id))
      if (unknown !== undefined)
        throw new AppError("BAD_REQUEST", `attachments: ${unknown} is not an upload of yours`, {
          field: "attachments",
        })
      return ids.map((id) => {
        const { storageKey: _, ...attachment } = byId.get(id)!
        return attachment
      })
    },

    /** Removes these uploads if no message carries them any more (after a deletion). */
    collect(ids: string[]): Promise<number> {
      if (ids.length === 0) return Promise.resolve(0)
      return removeUnreferenced(`u.id IN (${ids.map(() => "?").join(", ")})`, ids)
    },

    /** Removes the uploads no message carries that are older than a day (at `now`), and stale partial files. */
    async sweep(now = Date.now()): Promise<number> {
      await storage.removeStalePartials(now - UNATTACHED_TTL_MS)
      return removeUnreferenced("u.created_at < ?", [now - UNATTACHED_TTL_MS])
    },
  }
}

export type Uploads = ReturnType<typeof createUploads>
