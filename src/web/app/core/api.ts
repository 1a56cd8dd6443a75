/**
 * The HTTP API from the page: the project's typed client (`causerie/client`) on the same origin,
 * with the session in the HttpOnly `token` cookie that register and login set (the page never reads
 * a token; the server checks the Origin of cookie requests), plus the routes the typed client does not
 * wrap. Every failure rejects with a CauserieError (`code`, `message`, `field`).
 */
import { CauserieError } from "../../../../client/errors.ts"
import { createHttp } from "../../../../client/http.ts"

export { CauserieError }

/** The typed HTTP client (accounts, conversations, history, users, admin...). */
export const http = createHttp({ url: location.origin })

export type { Attachment } from "../../../contract.ts"

/** A request the typed client does not wrap: JSON out and in, errors as CauserieError. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return answer<T>(res)
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text()
  let json: { error?: { code: CauserieError["code"]; message: string } } | undefined
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!res.ok)
    throw new CauserieError(
      json?.error ?? { code: res.status === 404 ? "NOT_FOUND" : "INTERNAL", message: `${res.status}` },
      res.status,
    )
  return json as T
}

/** Uploads a file's raw bytes (POST /api/uploads); `durationMs` for a voice message. */
export const upload = (file: Blob, name: string, durationMs?: number) =>
  http.upload(file, name, durationMs === undefined ? undefined : Math.round(durationMs))

/** Mutes a conversation for me until `until` (null: unmute); my other devices hear conversation_muted. */
export const mute = (conversationId: number, until: Date | null) =>
  http.conversations.mute(conversationId, until ? until.toISOString() : null)

/** The message of an error, for showing. */
export const messageOf = (err: unknown): string =>
  err instanceof Error ? err.message : typeof err === "string" ? err : "Error"
