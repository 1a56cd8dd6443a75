/** The headers of a download that need care: a Range request's bytes, and a safe Content-Disposition. */

/**
 * The one byte range a `Range` header asks for, as inclusive [start, end] within `size`; undefined
 * when there is none or it is not one we serve (several ranges, another unit: the whole file then,
 * as RFC 9110 allows); "unsatisfiable" when no byte of it is in the file.
 */
export function byteRange(
  header: string | undefined,
  size: number,
): [number, number] | "unsatisfiable" | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === "" && match[2] === "")) return undefined
  const [, from, to] = match
  if (from === "") {
    // The last n bytes.
    const n = Number(to)
    return n === 0 || size === 0 ? "unsatisfiable" : [Math.max(0, size - n), size - 1]
  }
  const start = Number(from)
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1)
  if (to !== "" && Number(to) < start) return undefined
  return start >= size ? "unsatisfiable" : [start, end]
}

/**
 * RFC 9110 If-Range: the range is served only while the file is still the one the client holds part
 * of; an entity tag compared strongly with ours. A date never matches (we send no Last-Modified), so
 * the whole file comes then.
 */
export const ifRangeHolds = (header: string | undefined, etag: string) =>
  header === undefined || header.trim() === etag

/** RFC 9110 If-None-Match (weak comparison): true when the client already holds this version. */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(",").some((tag) => {
    const t = tag.trim()
    return t === "*" || t.replace(/^W\//, "") === etag
  })
}

/** Shown in the page for images, audio and video; downloaded for the rest (a PDF, text, an archive). */
const INLINE = /^(image|audio|video)\//

/**
 * RFC 6266: a plain ASCII `filename` for old clients (quotes, backslashes and anything outside
 * printable ASCII replaced) and the exact name as `filename*` in UTF-8, percent-encoded, so no
 * name can end the header or add another.
 */
export function contentDisposition(mime: string, name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_")
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${INLINE.test(mime) ? "inline" : "attachment"}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
