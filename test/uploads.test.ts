/**
 * Uploads: type sniffed from the bytes (never the client's Content-Type), the size limit counted as
 * the body streams (nothing left behind), downloads for the uploader and the participants where the
 * file was posted (the same 404 for anyone else), ranges, and headers a browser can be trusted with.
 */
import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { loadConfig } from "../src/config.ts"
import { api, connect, createConversation, join as joinRoom, signUpAll } from "./helpers/clients.ts"
import { startTestServer } from "./helpers/server.ts"
import { bytes, download, exe, filesOnDisk, ogg, png, upload, uploaded } from "./helpers/uploads.ts"
import { useTestServer } from "./helpers/useTestServer.ts"

const LIMIT = 200_000
const h = useTestServer({ UPLOAD_MAX_BYTES: String(LIMIT), RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

/** A body sent in pieces, without Content-Length (chunked), as a browser streams a large file. */
function streamed(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!)
      else controller.close()
    },
  })
}

describe("sniffing", () => {
  test("a PNG sent as text/html is stored as image/png, under a random id, byte for byte", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    const data = png()
    const res = await upload(h, ann, data, "cat.png", { contentType: "text/html" })
    expect(res.status).toBe(201)
    const { upload: u } = res.body
    expect(u).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: "cat.png",
      mime: "image/png",
      size: data.length,
      url: `/api/uploads/${u.id}`,
      durationMs: null,
    })
    expect(new Uint8Array(readFileSync(join(h.dir, "uploads", u.id)))).toEqual(data)
    expect(h.query("select uploader_id, name, mime, size from uploads where id = ?", u.id)).toEqual([
      { uploader_id: ann.id, name: "cat.png", mime: "image/png", size: data.length },
    ])
    const again = await upload(h, ann, data, "cat.png")
    expect(again.body.upload.id).not.toBe(u.id)
  })

  test("an executable, or unknown binary bytes, is refused 415 whatever it claims, and nothing is kept", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    const rows = () => h.query("select count(*) as n from uploads")
    const before = { rows: rows(), disk: filesOnDisk(h) }
    for (const [body, contentType] of [
      [exe(), "image/png"],
      [new Uint8Array([0x00, 0x01, 0x02, 0xfe, 0xff, 0x00, 0x10]), "text/plain"],
      [
        Buffer.concat([Buffer.from("plain text at first, ".repeat(300)), Buffer.from([0xc3, 0x28])]),
        "text/plain",
      ],
    ] as const) {
      const res = await upload(h, ann, body, "x.png", { contentType })
      expect({ status: res.status, code: res.body.error.code }).toEqual({
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
      })
    }
    expect({ rows: rows(), disk: filesOnDisk(h) }).toEqual(before)
  })

  test("text is text/plain, even with a character cut between two chunks; audio with its duration", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    const text = Buffer.from(`${"déjà vu ".repeat(800)}fin`)
    // "é" is two bytes: cut between them, and past the first bytes the type is decided on.
    const cut = text.indexOf(Buffer.from("é"), 5000) + 1
    const res = await upload(h, ann, streamed([text.subarray(0, cut), text.subarray(cut)]), "notes.txt")
    expect(res.body.upload).toMatchObject({ mime: "text/plain", size: text.length })
    const voice = await uploaded(h, ann, ogg(), "voice.ogg", 4200)
    expect(voice).toMatchObject({ mime: "audio/ogg", durationMs: 4200 })
    const empty = await upload(h, ann, new Uint8Array(0), "empty.txt")
    expect(empty.body.upload).toMatchObject({ mime: "text/plain", size: 0 })
  })

  test("every default type is recognised from its first bytes", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    const ebml = "\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm"
    const cases: [string, string][] = [
      ["image/jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF"],
      ["image/gif", "GIF89a"],
      ["image/webp", "RIFF\x24\x00\x00\x00WEBPVP8 "],
      ["audio/wav", "RIFF\x24\x00\x00\x00WAVEfmt "],
      ["audio/webm", `${ebml}\x86\x86A_OPUS`],
      ["video/webm", `${ebml}\x86\x85V_VP8\x86\x86A_OPUS`],
      ["audio/ogg", "OggS\x00\x02"],
      ["audio/mpeg", "ID3\x03\x00\x00"],
      ["audio/mpeg", "\xff\xfb\x90\x64"],
      ["audio/mp4", "\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"],
      ["video/mp4", "\x00\x00\x00\x20ftypisom\x00\x00\x02\x00vide"],
      ["application/pdf", "%PDF-1.7\n"],
      ["application/zip", "PK\x03\x04\x14\x00"],
    ]
    const got = []
    for (const [, magic] of cases) got.push((await upload(h, ann, bytes(magic), "f")).body.upload?.mime)
    expect(got).toEqual(cases.map(([mime]) => mime))
  })

  test("any bytes: 201 of an allowed type (text only when it is UTF-8 without NUL) or 415, never anything else", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    const allowed = loadConfig({}).uploads.types
    const magic = fc.constantFrom(
      [],
      [0x89, 0x50, 0x4e, 0x47],
      [0xff, 0xd8, 0xff],
      [0x1a, 0x45, 0xdf, 0xa3],
      [0x4d, 0x5a],
      [0x50, 0x4b, 0x03, 0x04],
    )
    await fc.assert(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 6000 }), async (head, rest) => {
        const data = new Uint8Array([...head, ...rest])
        const res = await upload(h, ann, data, "fuzz")
        expect([201, 415]).toContain(res.status)
        if (res.status === 415) return expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE")
        expect(allowed).toContain(res.body.upload.mime)
        expect(res.body.upload.size).toBe(data.length)
        if (res.body.upload.mime === "text/plain") {
          expect(data.includes(0)).toBe(false)
          expect(() => new TextDecoder("utf-8", { fatal: true }).decode(data)).not.toThrow()
        }
      }),
      { numRuns: 60 },
    )
    expect(filesOnDisk(h).partial).toEqual([])
  })

  test("text that merely begins like a known format stays text", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    for (const text of ["MZ is the DOS header's mark", "ID3 tags name the artist", "OggS and more"]) {
      expect((await upload(h, ann, text, "t.txt")).body.upload.mime).toBe("text/plain")
    }
  })

  test("a file name is needed; control characters in it become _; no token is 401", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    const res = await fetch(`${h.url}/api/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${ann.token}` },
      body: "hello",
    })
    expect([res.status, ((await res.json()) as any).error.field]).toEqual([400, "name"])
    expect((await upload(h, ann, "hi", "a\tb\u0007c.txt")).body.upload.name).toBe("a_b_c.txt")
    expect((await upload(h, ann, "hi", "x".repeat(256))).body.error).toMatchObject({
      code: "BAD_REQUEST",
      field: "name",
    })
    expect((await upload(h, undefined, "hi", "a.txt")).status).toBe(401)
  })
})

describe("the size limit", () => {
  test("a file of exactly UPLOAD_MAX_BYTES is taken; one byte more is 413, declared or streamed, and nothing stays", async () => {
    const [ann] = await signUpAll(h, ["ann"])
    const ok = await upload(h, ann, png(LIMIT - 8), "max.png")
    expect(ok.body.upload.size).toBe(LIMIT)
    const before = { rows: h.query("select id from uploads"), disk: filesOnDisk(h) }
    const declared = await upload(h, ann, png(LIMIT - 7), "big.png")
    expect({ status: declared.status, code: declared.body.error.code }).toEqual({
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
    })
    // No Content-Length: the counter stops it past the limit, the partial file is removed.
    const pieces = Array.from({ length: 8 }, () => png(40_000 - 8))
    const chunked = await upload(h, ann, streamed(pieces), "big.png")
    expect({ status: chunked.status, code: chunked.body.error.code }).toEqual({
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
    })
    expect({ rows: h.query("select id from uploads"), disk: filesOnDisk(h) }).toEqual(before)
    expect(filesOnDisk(h).partial).toEqual([])
  })

  test("other routes keep MAX_HTTP_BUFFER_SIZE", async () => {
    const [ann, bob] = await signUpAll(h, ["ann", "bob"])
    const id = await createConversation(h, ann, [bob])
    const res = await api(h, "POST", `/api/conversations/${id}/messages`, {
      auth: ann,
      rawBody: JSON.stringify({ text: "x".repeat(100_000) }),
    })
    expect([res.status, res.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"])
  })
})

describe("downloads", () => {
  /** ann uploads; bob shares a conversation with her where she posts it; eve is a stranger. */
  async function posted() {
    const [ann, bob, eve, cat] = await signUpAll(h, ["ann", "bob", "eve", "cat"])
    const data = png(3000)
    const file = await uploaded(h, ann, data, "photo.png")
    const id = await createConversation(h, ann, [bob, cat])
    return { ann, bob, eve, cat, data, file, id }
  }
  const send = (user: any, id: number, attachments: { id: string }[]) =>
    api(h, "POST", `/api/conversations/${id}/messages`, { auth: user, body: { attachments } })

  test("the uploader at once; participants once it is posted; a stranger gets the unknown id's 404", async () => {
    const { ann, bob, eve, data, file, id } = await posted()
    const got = await download(h, ann, file.url)
    expect(got.status).toBe(200)
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(data)
    // Not posted yet: nobody else may read it.
    expect((await download(h, bob, file.url)).status).toBe(404)
    expect((await send(ann, id, [{ id: file.id }])).status).toBe(201)
    const asBob = await download(h, bob, file.url)
    expect(asBob.status).toBe(200)
    expect(new Uint8Array(await asBob.arrayBuffer())).toEqual(data)

    const unknown = await (await download(h, eve, "/api/uploads/AAAAAAAAAAAAAAAAAAAAAA")).json()
    const stranger = await download(h, eve, file.url)
    expect(stranger.status).toBe(404)
    expect(await stranger.json()).toEqual(unknown)
    expect((await download(h, undefined, file.url)).status).toBe(401)
    expect((await download(h, ann, "/api/uploads/not-an-id")).status).toBe(400)
  })

  test("a removed member keeps the files posted before the removal, as sync keeps those messages; not the ones after", async () => {
    const { ann, cat, data, file, id } = await posted()
    expect((await send(ann, id, [{ id: file.id }])).status).toBe(201)
    const later = await uploaded(h, ann, png(500), "later.png")
    const unposted = await uploaded(h, ann, png(600), "never-posted.png")
    expect(
      (await api(h, "DELETE", `/api/conversations/${id}/participants/${cat.id}`, { auth: ann })).status,
    ).toBe(200)
    expect((await send(ann, id, [{ id: later.id }])).status).toBe(201)

    const before = await download(h, cat, file.url)
    expect(before.status).toBe(200)
    expect(new Uint8Array(await before.arrayBuffer())).toEqual(data)
    // What sync gives her names the first file, and nothing after her removal.
    const seen = await api(h, "GET", `/api/conversations/${id}/events?after=0&limit=500`, { auth: cat })
    const named = seen.body.events.flatMap(
      (e: any) => e.data.message?.attachments?.map((a: any) => a.id) ?? [],
    )
    expect(named).toEqual([file.id])
    const unknown = await (await download(h, cat, "/api/uploads/AAAAAAAAAAAAAAAAAAAAAA")).json()
    for (const other of [later, unposted]) {
      const refused = await download(h, cat, other.url)
      expect(refused.status).toBe(404)
      expect(await refused.json()).toEqual(unknown)
    }
    // She comes back: the files posted while she was away are hers to read again, with the messages.
    expect(
      (
        await api(h, "POST", `/api/conversations/${id}/participants`, {
          auth: ann,
          body: { userIds: [cat.id] },
        })
      ).status,
    ).toBe(201)
    expect((await download(h, cat, later.url)).status).toBe(200)
  })

  test("ranges: 206 with Content-Range, a suffix, an open end; 416 past the end; HEAD gives the headers only", async () => {
    const { ann, data, file } = await posted()
    const part = await download(h, ann, file.url, { headers: { range: "bytes=10-19" } })
    expect(part.status).toBe(206)
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${data.length}`)
    expect(part.headers.get("content-length")).toBe("10")
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(data.subarray(10, 20))
    const tail = await download(h, ann, file.url, { headers: { range: "bytes=-5" } })
    expect([tail.status, tail.headers.get("content-range")]).toEqual([
      206,
      `bytes ${data.length - 5}-${data.length - 1}/${data.length}`,
    ])
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(data.subarray(data.length - 5))
    const open = await download(h, ann, file.url, { headers: { range: `bytes=${data.length - 3}-` } })
    expect(new Uint8Array(await open.arrayBuffer())).toEqual(data.subarray(data.length - 3))
    const past = await download(h, ann, file.url, { headers: { range: `bytes=${data.length}-` } })
    expect([past.status, past.headers.get("content-range")]).toEqual([416, `bytes */${data.length}`])
    const head = await download(h, ann, file.url, { method: "HEAD" })
    expect([head.status, head.headers.get("content-length"), (await head.arrayBuffer()).byteLength]).toEqual([
      200,
      String(data.length),
      0,
    ])
  })

  test("If-Range: the range while the ETag matches, the whole file otherwise; If-None-Match: 304", async () => {
    const { ann, eve, data, file } = await posted()
    const etag = (await download(h, ann, file.url, { method: "HEAD" })).headers.get("etag")!
    expect(etag).toBe(`"${file.id}"`)
    const resumed = await download(h, ann, file.url, { headers: { range: "bytes=100-", "if-range": etag } })
    expect(resumed.status).toBe(206)
    expect(new Uint8Array(await resumed.arrayBuffer())).toEqual(data.subarray(100))
    // Another file's tag, a weak tag or a date: what the client holds may be other bytes, so all of them.
    for (const ifRange of ['"another"', `W/${etag}`, "Wed, 21 Oct 2026 07:28:00 GMT"]) {
      const whole = await download(h, ann, file.url, {
        headers: { range: "bytes=100-", "if-range": ifRange },
      })
      expect([whole.status, whole.headers.get("content-range")]).toEqual([200, null])
      expect(new Uint8Array(await whole.arrayBuffer())).toEqual(data)
    }
    for (const held of [etag, `W/${etag}`, `"x", ${etag}`, "*"]) {
      const same = await download(h, ann, file.url, { headers: { "if-none-match": held } })
      expect([same.status, (await same.arrayBuffer()).byteLength, same.headers.get("etag")]).toEqual([
        304,
        0,
        etag,
      ])
    }
    expect((await download(h, ann, file.url, { headers: { "if-none-match": '"other"' } })).status).toBe(200)
    // Someone who may not read it learns nothing from a tag either.
    expect((await download(h, eve, file.url, { headers: { "if-none-match": etag } })).status).toBe(404)
  })

  test("headers: the sniffed type, nosniff, long private caching; inline for images, attachment with a safe name otherwise", async () => {
    const { ann, file } = await posted()
    const image = await download(h, ann, file.url)
    expect(
      Object.fromEntries(
        [
          "content-type",
          "x-content-type-options",
          "content-disposition",
          "accept-ranges",
          "cache-control",
        ].map((n) => [n, image.headers.get(n)]),
      ),
    ).toEqual({
      "content-type": "image/png",
      "x-content-type-options": "nosniff",
      "content-disposition": `inline; filename="photo.png"; filename*=UTF-8''photo.png`,
      "accept-ranges": "bytes",
      "cache-control": "private, max-age=31536000, immutable",
    })
    const hostile = await uploaded(h, ann, "<script>alert(1)</script>", 'a"\r\nX: y.txt')
    expect(hostile).toMatchObject({ name: 'a"__X: y.txt', mime: "text/plain" })
    const res = await download(h, ann, hostile.url)
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="a___X: y.txt"; filename*=UTF-8''a%22__X%3A%20y.txt`,
    )
    expect(res.headers.get("x")).toBeNull()
    const french = await uploaded(h, ann, "bonjour", "résumé (v2).txt")
    expect((await download(h, ann, french.url)).headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_ (v2).txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%28v2%29.txt`,
    )
  })

  test("a socket of the conversation hears the message; the room's member downloads what it names", async () => {
    const { ann, bob, file, id } = await posted()
    const b = await connect(h, bob)
    await joinRoom(b, id)
    const heard = new Promise<any>((resolve) => b.once("new_message", resolve))
    await send(ann, id, [{ id: file.id }])
    const { message } = await heard
    expect((await download(h, bob, message.attachments[0].url)).status).toBe(200)
  })
})

test("uploads count against the messages rate limit: past it 429, nothing kept", async () => {
  const tight = await startTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "1", RATE_LIMIT_MESSAGES_BURST: "2" })
  try {
    const [ann] = await signUpAll(tight, ["ann"])
    const answers = []
    for (let i = 0; i < 3; i++) answers.push(await upload(tight, ann, png(), `${i}.png`))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 429])
    expect(answers[2]!.body.error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: expect.any(Number) })
    expect(filesOnDisk(tight).kept.sort()).toEqual(
      answers
        .slice(0, 2)
        .map((a) => a.body.upload.id)
        .sort(),
    )
  } finally {
    await tight.stop()
  }
})
