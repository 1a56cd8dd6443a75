/**
 * UPLOAD_QUOTA_BYTES: what one user may keep in all. Past it an upload is 413 naming the quota,
 * declared or streamed, and nothing of it stays; two uploads side by side cannot both slip under it;
 * deleting the message that carries a file gives its bytes back; other users are not affected.
 */
import { expect, test } from "bun:test"
import { api, createConversation, signUpAll } from "./helpers/clients.ts"
import { startTestServer } from "./helpers/server.ts"
import { filesOnDisk, png, upload, uploaded } from "./helpers/uploads.ts"
import { useTestServer } from "./helpers/useTestServer.ts"

const QUOTA = 20_000
const h = useTestServer({ UPLOAD_QUOTA_BYTES: String(QUOTA), RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

/** A body without Content-Length (chunked), as a browser streams a large file. */
const streamed = (chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift()
      if (next) controller.enqueue(next)
      else controller.close()
    },
  })
const refusal = (res: { status: number; body: any }) => ({
  status: res.status,
  code: res.body.error?.code,
  quota: /UPLOAD_QUOTA_BYTES/.test(res.body.error?.message ?? ""),
})
const QUOTA_REFUSAL = { status: 413, code: "PAYLOAD_TOO_LARGE", quota: true }
const kept = (userId: number) =>
  h.query<{ n: number }>("select coalesce(sum(size), 0) as n from uploads where uploader_id = ?", userId)[0]!
    .n

test("up to the quota is taken; past it 413 naming the quota, declared or streamed, and nothing stays", async () => {
  const [ann, ben] = await signUpAll(h, ["ann", "ben"])
  await uploaded(h, ann, png(12_000 - 8), "one.png")
  await uploaded(h, ann, png(8_000 - 8), "two.png")
  expect(kept(ann.id)).toBe(QUOTA)
  const before = { rows: h.query("select id from uploads"), disk: filesOnDisk(h) }

  expect(refusal(await upload(h, ann, png(1), "tiny.png"))).toEqual(QUOTA_REFUSAL)
  expect(refusal(await upload(h, ann, streamed([png(100)]), "tiny.png"))).toEqual(QUOTA_REFUSAL)
  expect({ rows: h.query("select id from uploads"), disk: filesOnDisk(h) }).toEqual(before)
  expect(filesOnDisk(h).partial).toEqual([])
  // Someone else's quota is their own.
  expect((await upload(h, ben, png(12_000), "bens.png")).status).toBe(201)
})

test("a file that would cross the quota midway is cut off as it streams; the part received is removed", async () => {
  const [cat] = await signUpAll(h, ["cat"])
  await uploaded(h, cat, png(15_000 - 8), "most.png")
  const before = { rows: h.query("select id from uploads"), disk: filesOnDisk(h) }
  const pieces = Array.from({ length: 4 }, () => png(3_000 - 8))
  expect(refusal(await upload(h, cat, streamed(pieces), "rest.png"))).toEqual(QUOTA_REFUSAL)
  expect(refusal(await upload(h, cat, png(6_000 - 8), "declared.png"))).toEqual(QUOTA_REFUSAL)
  // A body far past the quota (30 MB) is answered long before its end: the server stopped reading it.
  let pulled = 0
  const long = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled++ < 10_000) controller.enqueue(pulled === 1 ? png(3_000 - 8) : new Uint8Array(3_000))
      else controller.close()
    },
  })
  expect(refusal(await upload(h, cat, long, "endless.png"))).toEqual(QUOTA_REFUSAL)
  expect(pulled).toBeLessThan(1_000)
  expect({ rows: h.query("select id from uploads"), disk: filesOnDisk(h) }).toEqual(before)
  expect(filesOnDisk(h).partial).toEqual([])
  expect((await upload(h, cat, png(5_000 - 8), "exactly.png")).status).toBe(201)
  expect(kept(cat.id)).toBe(QUOTA)
})

test("two uploads side by side, each under what is left but not both: exactly one is kept", async () => {
  const [dan] = await signUpAll(h, ["dan"])
  const answers = await Promise.all([
    upload(h, dan, png(12_000 - 8), "a.png"),
    upload(h, dan, png(12_000 - 8), "b.png"),
  ])
  expect(answers.map((a) => a.status).sort()).toEqual([201, 413])
  expect(refusal(answers.find((a) => a.status === 413)!)).toEqual(QUOTA_REFUSAL)
  expect(kept(dan.id)).toBe(12_000)
  expect(h.query("select id from uploads where uploader_id = ?", dan.id)).toHaveLength(1)
  expect(filesOnDisk(h).partial).toEqual([])
})

test("deleting the message that carries a file gives its bytes back", async () => {
  const [eve, fay] = await signUpAll(h, ["eve", "fay"])
  const file = await uploaded(h, eve, png(18_000 - 8), "big.png")
  const id = await createConversation(h, eve, [fay])
  const sent = await api(h, "POST", `/api/conversations/${id}/messages`, {
    auth: eve,
    body: { attachments: [{ id: file.id }] },
  })
  expect(sent.status).toBe(201)
  expect(refusal(await upload(h, eve, png(5_000), "more.png"))).toEqual(QUOTA_REFUSAL)
  expect((await api(h, "DELETE", `/api/messages/${sent.body.message.id}`, { auth: eve })).status).toBe(200)
  expect(kept(eve.id)).toBe(0)
  expect((await upload(h, eve, png(5_000), "more.png")).status).toBe(201)
})

test("UPLOAD_QUOTA_BYTES=0: no quota, only the file size limit", async () => {
  const free = await startTestServer({
    UPLOAD_QUOTA_BYTES: "0",
    UPLOAD_MAX_BYTES: "10000",
    RATE_LIMIT_MESSAGES_PER_SECOND: "0",
  })
  try {
    const [gus] = await signUpAll(free, ["gus"])
    for (const name of ["a.png", "b.png", "c.png"]) await uploaded(free, gus, png(10_000 - 8), name)
    const sizes = free.query<{ n: number }>(
      "select sum(size) as n from uploads where uploader_id = ?",
      gus.id,
    )
    expect(sizes[0]!.n).toBe(30_000)
    const over = await upload(free, gus, png(10_001 - 8), "d.png")
    expect([over.status, /UPLOAD_MAX_BYTES/.test(over.body.error.message)]).toEqual([413, true])
  } finally {
    await free.stop()
  }
})
