/** What counts as a documented answer: the error codes a client may get, over sockets and HTTP. */
import { ERROR_STATUS, type ErrorCode } from "../../src/errors.ts"

/** Every code but INTERNAL, which means a bug. */
export const DOCUMENTED: string[] = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
]

/** Throws unless `ack` is `{ ok: true }` or `{ ok: false, error: { code } }` with a documented code. */
export function expectDocumentedAck(ack: any): void {
  if (ack?.ok === true) return
  if (ack?.ok === false && DOCUMENTED.includes(ack.error?.code)) return
  throw new Error(`undocumented acknowledgement: ${JSON.stringify(ack)?.slice(0, 500)}`)
}

/**
 * Fetches, and throws unless the answer is JSON: a 200 or 201, or an error with a documented code,
 * that code's status, and a message free of SQL and stack traces.
 */
export async function fetchDocumented(url: string, init: RequestInit): Promise<void> {
  const res = await fetch(url, init)
  const text = await res.text()
  const where = `${init.method} ${url} (${res.status}): ${text.slice(0, 300)}`
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`not JSON: ${where}`)
  }
  if (res.status === 200 || res.status === 201) return
  const code = json?.error?.code
  if (!DOCUMENTED.includes(code) || res.status !== ERROR_STATUS[code as ErrorCode]) {
    throw new Error(`undocumented answer: ${where}`)
  }
  if (/SQLITE|\n\s+at /.test(String(json.error.message))) throw new Error(`internals leaked: ${where}`)
}
