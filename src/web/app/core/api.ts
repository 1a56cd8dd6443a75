/**
 * The HTTP API from the page: the project's typed client (`causerie/client`) on the same origin,
 * with the session in the HttpOnly `token` cookie that register and login set (the page never reads
 * a token; the server checks the Origin of cookie requests), plus the routes the typed client does not
 * wrap yet (uploads, mute). Every failure rejects with a CauserieError (`code`, `message`, `field`).
 */
import { CauserieError } from "../../../../client/errors.ts"
import { createHttp } from "../../../../client/http.ts"

export { CauserieError }

/** The typed HTTP client (accounts, conversations, history, users, admin...). */
export const http = createHttp({ url: location.origin })

/** An attachment as the server stores it (see the uploads contract). */
export interface Attachment {
  id: string
  name: string
  mime: string
  size: number
  url: string
  durationMs: number | null
}

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
export async function upload(file: Blob, name: string, durationMs?: number): Promise<Attachment> {
  const params = new URLSearchParams({ name })
  if (durationMs !== undefined) params.set("durationMs", String(Math.round(durationMs)))
  const res = await fetch(`/api/uploads?${params}`, { method: "POST", body: file })
  return (await answer<{ upload: Attachment }>(res)).upload
}

/** Mutes a conversation until `until` (null: unmute). */
export const mute = (conversationId: number, until: Date | null) =>
  request<{ conversationId: number; mutedUntil: string | null }>(
    "PATCH",
    `/api/conversations/${conversationId}/me`,
    { mutedUntil: until ? until.toISOString() : null },
  )

/** The message of an error, for showing. */
export const messageOf = (err: unknown): string =>
  err instanceof Error ? err.message : typeof err === "string" ? err : "Error"
