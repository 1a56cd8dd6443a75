/**
 * UPLOAD_STORAGE=s3://bucket/prefix against a real S3-compatible server started here (s3rver, from
 * npm): uploads land in the bucket only when accepted, downloads and ranges read it back, deleting
 * the last message that carries a file removes its object.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import S3rver from "s3rver"
import { api, createConversation, signUpAll } from "./helpers/clients.ts"
import { startTestServer, type TestServer } from "./helpers/server.ts"
import { download, exe, png, upload, uploaded } from "./helpers/uploads.ts"

const BUCKET = "causerie-test"
const S3_ENV = ["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION"] as const
const saved = Object.fromEntries(S3_ENV.map((k) => [k, process.env[k]]))
const s3dir = mkdtempSync(join(tmpdir(), "causerie-s3-"))
let s3: S3rver
let h: TestServer
let bucket: Bun.S3Client

beforeAll(async () => {
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: s3dir,
    configureBuckets: [{ name: BUCKET }],
  })
  const { port } = await s3.run()
  // The server reads its S3 settings from the environment when it starts, as in production.
  const env = {
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_REGION: "us-east-1",
  }
  Object.assign(process.env, env)
  h = await startTestServer({ UPLOAD_STORAGE: `s3://${BUCKET}/chat`, UPLOAD_MAX_BYTES: "100000" })
  bucket = new Bun.S3Client({
    bucket: BUCKET,
    endpoint: env.S3_ENDPOINT,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    region: "us-east-1",
  })
})
afterAll(async () => {
  await h?.stop()
  await s3?.close()
  for (const k of S3_ENV) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
  rmSync(s3dir, { recursive: true, force: true })
})

const inBucket = (id: string) => bucket.file(`chat/${id}`).exists()

test("an accepted upload is an object under the prefix; downloads and ranges read it back; nothing stays on local disk", async () => {
  const [ann, bob] = await signUpAll(h, ["ann", "bob"])
  const data = png(20_000)
  const file = await uploaded(h, ann, data, "photo.png")
  expect(await inBucket(file.id)).toBe(true)
  expect(new Uint8Array(await bucket.file(`chat/${file.id}`).arrayBuffer())).toEqual(data)
  expect(readdirSync(join(h.dir, "uploads", ".partial"))).toEqual([])

  const id = await createConversation(h, ann, [bob])
  await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: ann,
    body: { attachments: [{ id: file.id }] },
  })
  const whole = await download(h, bob, file.url)
  expect([whole.status, whole.headers.get("content-type")]).toEqual([200, "image/png"])
  expect(new Uint8Array(await whole.arrayBuffer())).toEqual(data)
  const part = await download(h, bob, file.url, { headers: { range: "bytes=100-199" } })
  expect([part.status, part.headers.get("content-range")]).toEqual([206, `bytes 100-199/${data.length}`])
  expect(new Uint8Array(await part.arrayBuffer())).toEqual(data.subarray(100, 200))
})

test("a refused upload (too large, wrong type) never reaches the bucket; deleting its last message removes the object", async () => {
  const [ann, bob] = await signUpAll(h, ["ann", "bob"])
  const objects = () => readdirSync(join(s3dir, BUCKET), { recursive: true }).length
  const before = objects()
  expect((await upload(h, ann, png(200_000), "big.png")).status).toBe(413)
  expect((await upload(h, ann, exe(), "setup.exe")).status).toBe(415)
  expect(objects()).toBe(before)

  const file = await uploaded(h, ann, png(), "once.png")
  const id = await createConversation(h, ann, [bob])
  const sent = await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: ann,
    body: { attachments: [{ id: file.id }] },
  })
  expect(await inBucket(file.id)).toBe(true)
  const deleted = await api(h, "DELETE", `/api/messages/${sent.body.message.id}`, { auth: ann })
  expect(deleted.status).toBe(200)
  expect(await inBucket(file.id)).toBe(false)
  expect((await download(h, ann, file.url)).status).toBe(404)
})

test("UPLOAD_QUOTA_BYTES on S3: two uploads side by side over it, one kept, the other's object removed", async () => {
  const q = await startTestServer({
    UPLOAD_STORAGE: `s3://${BUCKET}/quota`,
    UPLOAD_MAX_BYTES: "100000",
    UPLOAD_QUOTA_BYTES: "30000",
  })
  try {
    const [cy] = await signUpAll(q, ["cy"])
    const answers = await Promise.all([
      upload(q, cy, png(20_000 - 8), "a.png"),
      upload(q, cy, png(20_000 - 8), "b.png"),
    ])
    expect(answers.map((a) => a.status).sort()).toEqual([201, 413])
    const kept = answers.find((a) => a.status === 201)!.body.upload.id
    const objects = (await bucket.list({ prefix: "quota/" })).contents?.map((o) => o.key) ?? []
    expect(objects).toEqual([`quota/${kept}`])
    // Exactly up to the quota is taken, not a byte more.
    expect((await upload(q, cy, png(10_001 - 8), "c.png")).status).toBe(413)
    expect((await upload(q, cy, png(10_000 - 8), "c.png")).status).toBe(201)
  } finally {
    await q.stop()
  }
})
