/**
 * Receiving an upload: the request body streamed to a local file with a byte counter, its type
 * sniffed from the first bytes. Over the limit, of a type not allowed, or cut off: the reading stops
 * and the partial file is removed, so nothing of a refused upload stays on disk.
 */
import { open, unlink } from "node:fs/promises"
import { join } from "node:path"
import { AppError, STORAGE_RETRY_MS } from "../../errors.ts"
import { SNIFF_BYTES, sniffMagic, textChecker } from "./sniff.ts"

export interface Received {
  /** The complete file, on this machine. */
  path: string
  size: number
  mime: string
}

export interface ReceiveOptions {
  /** Where to write (UploadStorage.partialDir). */
  dir: string
  maxBytes: number
  /** The error past `maxBytes` (the file size limit's, or the quota's). */
  tooLarge?: () => AppError
  /** The MIME types allowed (UPLOAD_TYPES). */
  types: readonly string[]
}

const overLimit = (maxBytes: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `The file is over ${maxBytes} bytes (UPLOAD_MAX_BYTES)`)
const unsupported = (mime: string | undefined) =>
  new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    mime ? `Files of type ${mime} are not accepted` : "The file's type is not one the server accepts",
  )

const diskFull = (err: unknown) => ["ENOSPC", "EDQUOT"].includes(String((err as { code?: unknown })?.code))
const unavailable = () =>
  new AppError("UNAVAILABLE", "The server cannot store files right now; retry shortly", {
    retryAfterMs: STORAGE_RETRY_MS,
  })

/** Reads `body` into a new file in `dir`; throws PAYLOAD_TOO_LARGE or UNSUPPORTED_MEDIA_TYPE. */
export async function receive(
  body: ReadableStream<Uint8Array> | null,
  { dir, maxBytes, types, tooLarge = () => overLimit(maxBytes) }: ReceiveOptions,
): Promise<Received> {
  const path = join(dir, `${crypto.randomUUID()}.part`)
  const file = await open(path, "wx", 0o600)
  const reader = body?.getReader()
  const text = textChecker()
  let size = 0
  let mime: string | undefined
  let head: Uint8Array[] = []
  let headBytes = 0

  /** Decides the type from the first bytes, once enough have come (or all of them). */
  const decide = () => {
    const first = Buffer.concat(head)
    mime = sniffMagic(first) ?? (text.push(first) ? "text/plain" : undefined)
    if (!mime || !types.includes(mime)) throw unsupported(mime)
    head = []
    return first
  }

  try {
    for (;;) {
      let chunk: { done: boolean; value?: Uint8Array } | undefined
      try {
        chunk = await reader?.read()
      } catch {
        throw new AppError("BAD_REQUEST", "The upload was cut off")
      }
      if (!chunk?.value || chunk.done) break
      size += chunk.value.length
      if (size > maxBytes) throw tooLarge()
      if (mime === undefined) {
        head.push(chunk.value)
        headBytes += chunk.value.length
        if (headBytes >= SNIFF_BYTES) await file.write(decide())
        continue
      }
      if (mime === "text/plain" && !text.push(chunk.value)) throw unsupported(undefined)
      await file.write(chunk.value)
    }
    if (mime === undefined) await file.write(decide())
    if (mime === "text/plain" && !text.end()) throw unsupported(undefined)
    await file.close()
    return { path, size, mime: mime! }
  } catch (err) {
    // Stop reading: the rest of the body is not wanted.
    await reader?.cancel().catch(() => {})
    await file.close().catch(() => {})
    await unlink(path).catch(() => {})
    throw diskFull(err) ? unavailable() : err
  }
}
