/**
 * Uploads over HTTP: POST /api/uploads takes a file's raw bytes (not multipart), GET and HEAD
 * /api/uploads/:id give them back, with ranges, to those who may read them.
 */
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import { uploadId } from "../schemas/inputs.ts"
import { uploadAnswer, uploadQuery } from "../schemas/uploads.ts"
import type { Services } from "../services/index.ts"
import type { StoredUpload } from "../services/uploads.ts"
import { describe } from "./describe.ts"
import { authedRouter } from "./requireAuth.ts"
import { byteRange, contentDisposition, ifNoneMatch, ifRangeHolds } from "./uploadHeaders.ts"

const tag = "Uploads"

/** Routes under /api/uploads. */
export function uploadRoutes(services: Services, config: Config) {
  const app = authedRouter(services.sessions, config)

  app.post(
    "/",
    describe({
      tag,
      summary: "Upload a file",
      description:
        "The body is the file's raw bytes (not multipart), streamed to storage. Its type is sniffed from the " +
        "bytes, whatever Content-Type says; bytes of no known type that are UTF-8 text are text/plain. " +
        "Attach it to a message with attachments: [{id}]; one never attached is removed after 24 hours.",
      query: uploadQuery,
      bytesBody: "The file's bytes, at most UPLOAD_MAX_BYTES",
      ok: { 201: ["Stored", uploadAnswer] },
      errors: ["UNSUPPORTED_MEDIA_TYPE", "RATE_LIMITED"],
    }),
    async (c) => {
      const { name, durationMs } = parseInput(uploadQuery, c.req.query())
      const length = c.req.header("content-length")
      const upload = await services.uploads.create(
        c.var.user,
        { name, durationMs: durationMs ?? null },
        c.req.raw.body,
        length && /^\d+$/.test(length) ? Number(length) : undefined,
      )
      c.var.log.info(
        { event: "upload", uploadId: upload.id, mime: upload.mime, size: upload.size },
        "uploaded",
      )
      return c.json({ upload }, 201)
    },
  )

  // Hono answers HEAD with this GET handler, less the body.
  app.get(
    "/:id",
    describe({
      tag,
      summary: "Download a file (GET or HEAD)",
      description:
        "For its uploader and the participants of a conversation where a message carrying it was posted; " +
        "anyone else gets the same 404 as for an unknown id. Range: bytes=a-b, a- or -n (one range).",
      params: { id: { text: "The upload's id" } },
      headers: {
        Range: "One byte range, so audio and video can seek",
        "If-Range": "The ETag of the file a range continues: another one gets the whole file (200)",
        "If-None-Match": "The ETag held: 304 with no body",
      },
      ok: {},
      bytes: {
        200: "The file, with its sniffed Content-Type, nosniff and a safe Content-Disposition",
        206: "The range asked for, with Content-Range",
        304: "If-None-Match named this file's ETag: nothing to send",
        416: "No byte of the range is in the file (Content-Range: bytes */size)",
      },
      errors: ["NOT_FOUND"],
    }),
    async (c) => {
      const id = parseInput(uploadId, c.req.param("id"))
      const upload = await services.uploads.open(c.var.user.id, id)
      const headers = downloadHeaders(upload)
      const etag = headers.get("ETag")!
      if (ifNoneMatch(c.req.header("if-none-match"), etag))
        return new Response(null, { status: 304, headers })
      const range = ifRangeHolds(c.req.header("if-range"), etag)
        ? byteRange(c.req.header("range"), upload.size)
        : undefined
      if (range === "unsatisfiable") {
        headers.set("Content-Range", `bytes */${upload.size}`)
        return new Response(null, { status: 416, headers })
      }
      const [start, end] = range ?? [0, upload.size - 1]
      headers.set("Content-Length", String(Math.max(0, end - start + 1)))
      if (range) headers.set("Content-Range", `bytes ${start}-${end}/${upload.size}`)
      const body =
        c.req.method === "HEAD" || upload.size === 0
          ? null
          : services.uploads.storage.read(upload.storageKey, start, end)
      return new Response(body, { status: range ? 206 : 200, headers })
    },
  )
  return app
}

/** What every answer about the file says: its type as sniffed, how to show it, how long to keep it. */
function downloadHeaders(upload: StoredUpload): Headers {
  return new Headers({
    "Content-Type": upload.mime === "text/plain" ? "text/plain; charset=utf-8" : upload.mime,
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": contentDisposition(upload.mime, upload.name),
    "Accept-Ranges": "bytes",
    // Never changes under its id; private: only its readers may hold it.
    "Cache-Control": "private, max-age=31536000, immutable",
    ETag: `"${upload.id}"`,
  })
}
