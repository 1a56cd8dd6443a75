/**
 * Where uploaded bytes are kept: a folder (DATA_DIR/uploads) or an S3 bucket, behind one small
 * interface. Bytes being received are always written to a local file first (receive.ts): only a
 * complete file of an accepted type is handed to the storage, so a refused or cut upload never
 * reaches a bucket.
 */
import { mkdirSync } from "node:fs"
import { readdir, rename, stat, unlink } from "node:fs/promises"
import { join } from "node:path"

export interface UploadStorage {
  /** "file" or "s3", for logs and metrics. */
  readonly kind: "file" | "s3"
  /** A folder on this machine where uploads are received before they are kept. */
  readonly partialDir: string
  /** Keeps the complete file at `path` under `key`; the file at `path` is gone afterwards. */
  keep(path: string, key: string, mime: string): Promise<void>
  /** Bytes `start` to `end` (inclusive) of what `key` holds, as a response body. */
  read(key: string, start: number, end: number): Blob | ReadableStream<Uint8Array>
  /** Removes what `key` holds; nothing there is not an error. */
  remove(key: string): Promise<void>
  /** Removes received files left behind before `before` (ms): a process killed mid-upload. */
  removeStalePartials(before: number): Promise<number>
}

const missing = (err: unknown) => (err as { code?: string })?.code === "ENOENT"

/** Files in `dir` last written before `before`, removed; one being received is written to all along. */
async function removeStale(dir: string, before: number): Promise<number> {
  let removed = 0
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    const info = await stat(path).catch(() => undefined)
    if (
      info &&
      info.mtimeMs < before &&
      (await unlink(path).then(
        () => true,
        () => false,
      ))
    )
      removed++
  }
  return removed
}

/** Files under `dir`, named by their key; received files wait in `dir/.partial` on the same disk. */
export function createFileStorage(dir: string): UploadStorage {
  const partialDir = join(dir, ".partial")
  mkdirSync(partialDir, { recursive: true, mode: 0o700 })
  const pathOf = (key: string) => join(dir, key)
  return {
    kind: "file",
    partialDir,
    // A rename on one file system: a reader sees the whole file or none.
    keep: (path, key) => rename(path, pathOf(key)),
    read: (key, start, end) => Bun.file(pathOf(key)).slice(start, end + 1),
    async remove(key) {
      await unlink(pathOf(key)).catch((err) => {
        if (!missing(err)) throw err
      })
    },
    removeStalePartials: (before) => removeStale(partialDir, before),
  }
}

type Env = Record<string, string | undefined>

/**
 * Objects in `bucket` under `prefix`, through Bun's built-in S3 client. Credentials, region and
 * endpoint come from the environment, read here when the server starts: S3_ACCESS_KEY_ID,
 * S3_SECRET_ACCESS_KEY, S3_SESSION_TOKEN, S3_REGION, S3_ENDPOINT, or their AWS_* names.
 */
export function createS3Storage(
  bucket: string,
  prefix: string,
  partialDir: string,
  env: Env = process.env,
): UploadStorage {
  mkdirSync(partialDir, { recursive: true, mode: 0o700 })
  const read = (name: string) => env[`S3_${name}`] || env[`AWS_${name}`] || undefined
  const client = new Bun.S3Client({
    bucket,
    accessKeyId: read("ACCESS_KEY_ID"),
    secretAccessKey: read("SECRET_ACCESS_KEY"),
    sessionToken: read("SESSION_TOKEN"),
    region: read("REGION"),
    endpoint: read("ENDPOINT"),
  })
  const keyOf = (key: string) => `${prefix}${key}`
  return {
    kind: "s3",
    partialDir,
    async keep(path, key, mime) {
      try {
        await client.write(keyOf(key), Bun.file(path), { type: mime })
      } finally {
        await unlink(path).catch(() => {})
      }
    },
    // A ranged GET; streamed through this server, which checked who may read it.
    read: (key, start, end) =>
      client
        .file(keyOf(key))
        .slice(start, end + 1)
        .stream(),
    async remove(key) {
      await client.delete(keyOf(key))
    },
    removeStalePartials: (before) => removeStale(partialDir, before),
  }
}

/** The storage UPLOAD_STORAGE names: `file`, or `s3://bucket[/prefix]`. */
export function createUploadStorage(spec: string, dataDir: string, env: Env = process.env): UploadStorage {
  const dir = join(dataDir, "uploads")
  if (spec === "file") return createFileStorage(dir)
  const { host: bucket, pathname } = new URL(spec)
  const prefix = pathname.replace(/^\/+/, "").replace(/\/*$/, "/").replace(/^\/$/, "")
  return createS3Storage(bucket, prefix, join(dir, ".partial"), env)
}
