/** Uploads through the real HTTP API, and bytes of the kinds a chat carries. */
import { readdirSync } from "node:fs"
import { join } from "node:path"
import type { TestUser } from "./clients.ts"
import type { TestServer } from "./server.ts"

/** Bytes starting with `magic`, then `size` bytes of pseudo-random filler (binary: NULs included). */
export function bytes(magic: number[] | string, size = 5000): Uint8Array<ArrayBuffer> {
  const head = typeof magic === "string" ? [...Buffer.from(magic, "latin1")] : magic
  const out = new Uint8Array(head.length + size)
  out.set(head)
  for (let i = 0, x = 7; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    out[head.length + i] = x >> 16
  }
  return out
}

export const png = (size?: number) => bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], size)
export const ogg = (size?: number) => bytes("OggS\x00\x02", size)
export const exe = (size?: number) => bytes("MZ\x90\x00\x03\x00\x00\x00", size)

export interface UploadResponse {
  status: number
  body: any
}

/** POST /api/uploads with `body` as the raw request body. */
export async function upload(
  h: TestServer,
  user: TestUser | undefined,
  body: BodyInit,
  name = "file.bin",
  {
    contentType = "application/octet-stream",
    durationMs,
  }: { contentType?: string; durationMs?: number } = {},
): Promise<UploadResponse> {
  const query = new URLSearchParams({ name })
  if (durationMs !== undefined) query.set("durationMs", String(durationMs))
  const headers: Record<string, string> = { "content-type": contentType }
  if (user) headers.authorization = `Bearer ${user.token}`
  const res = await fetch(`${h.url}/api/uploads?${query}`, {
    method: "POST",
    headers,
    body,
    duplex: "half",
  } as RequestInit)
  return { status: res.status, body: await res.json() }
}

/** Uploads and returns the attachment, or throws. */
export async function uploaded(
  h: TestServer,
  user: TestUser,
  body: BodyInit,
  name?: string,
  durationMs?: number,
) {
  const res = await upload(h, user, body, name, { durationMs })
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.upload as {
    id: string
    name: string
    mime: string
    size: number
    url: string
    durationMs: number | null
  }
}

/** GET (or HEAD) an upload's URL as `user`. */
export function download(
  h: TestServer,
  user: TestUser | undefined,
  url: string,
  { method = "GET", headers = {} }: { method?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${h.url}${url}`, {
    method,
    headers: { ...headers, ...(user ? { authorization: `Bearer ${user.token}` } : {}) },
  })
}

/** The files kept in DATA_DIR/uploads, and those still being received. */
export function filesOnDisk(h: TestServer): { kept: string[]; partial: string[] } {
  const dir = join(h.dir, "uploads")
  return {
    kept: readdirSync(dir).filter((f) => f !== ".partial"),
    partial: readdirSync(join(dir, ".partial")),
  }
}
