/**
 * The web client as the server serves it: its page at every client route with a strict CSP, its
 * assets compressed and cached, the API, socket and other pages untouched around it, and its size.
 */
import { describe, expect, test } from "bun:test"
import { brotliDecompressSync, gunzipSync } from "node:zlib"
import { CLIENT_ROUTES, webBundle } from "../src/web/appRoutes.ts"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer()

/** Fetches without letting fetch undo the compression, to see what the server sent. */
const raw = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  fetch(`${h.url}${path}`, { method, headers, decompress: false })

const assetsOf = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)

describe("the page", () => {
  test("every client route, deep links included, answers the page with a strict CSP and a short cache", async () => {
    const paths = [
      "/",
      "/signin",
      "/signup",
      "/invite/abc123",
      "/c/42",
      "/new",
      "/search",
      "/profile",
      "/admin",
    ]
    expect(paths.length).toBe(CLIENT_ROUTES.length)
    const bodies = new Set<string>()
    for (const path of paths) {
      const res = await raw(path)
      expect({ path, status: res.status }).toEqual({ path, status: 200 })
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8")
      const csp = res.headers.get("content-security-policy")!
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("style-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain("unsafe")
      expect(res.headers.get("x-content-type-options")).toBe("nosniff")
      expect(res.headers.get("cache-control")).toBe("no-cache")
      bodies.add(await res.text())
    }
    expect(bodies.size).toBe(1)
  })

  test("the page holds no inline script or style and names only files of this server", async () => {
    const html = await (await raw("/c/42")).text()
    expect(html).toContain('<div id="app">')
    // Every script has a src; no style element or attribute; no event handler attribute.
    expect(html.match(/<script\b[^>]*>/g)!.every((tag) => /\ssrc="/.test(tag))).toBe(true)
    expect(html).not.toMatch(/<style\b|\sstyle=|\son\w+=/i)
    const assets = assetsOf(html)
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true)
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true)
    // Absolute paths, so that /c/42 loads /chunk-….js and not /c/chunk-….js.
    for (const asset of assets) expect(asset).toMatch(/^\/[\w.-]+$/)
  })

  test("the page is compressed when asked, and revalidated by its ETag", async () => {
    const plain = await raw("/")
    const body = await plain.text()
    const gz = await raw("/", { "accept-encoding": "gzip" })
    expect(gz.headers.get("content-encoding")).toBe("gzip")
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString()).toBe(body)
    const again = await raw("/", { "if-none-match": plain.headers.get("etag")! })
    expect(again.status).toBe(304)
  })

  test("other methods on a client route are the API's 404, not the page", async () => {
    const res = await raw("/", { "content-type": "application/json" }, "POST")
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe("NOT_FOUND")
  })
})

describe("the assets", () => {
  test("brotli or gzip as the request accepts, identity otherwise, cached for a year", async () => {
    const assets = assetsOf(await (await raw("/")).text())
    for (const asset of assets) {
      const identity = await raw(asset)
      expect({ asset, status: identity.status }).toEqual({ asset, status: 200 })
      expect(identity.headers.get("content-encoding")).toBeNull()
      expect(identity.headers.get("cache-control")).toBe("public, max-age=31536000, immutable")
      expect(identity.headers.get("x-content-type-options")).toBe("nosniff")
      expect(identity.headers.get("vary")).toBe("Accept-Encoding")
      expect(identity.headers.get("content-type")).toStartWith(
        ({ js: "text/javascript", css: "text/css", svg: "image/svg+xml" } as Record<string, string>)[
          asset.slice(asset.lastIndexOf(".") + 1)
        ]!,
      )
      const original = new Uint8Array(await identity.arrayBuffer())

      const br = await raw(asset, { "accept-encoding": "gzip, deflate, br" })
      expect(br.headers.get("content-encoding")).toBe("br")
      const brBody = new Uint8Array(await br.arrayBuffer())
      expect(brBody.length).toBeLessThan(original.length)
      expect(new Uint8Array(brotliDecompressSync(brBody))).toEqual(original)

      const gz = await raw(asset, { "accept-encoding": "gzip, br;q=0" })
      expect(gz.headers.get("content-encoding")).toBe("gzip")
      expect(new Uint8Array(gunzipSync(new Uint8Array(await gz.arrayBuffer())))).toEqual(original)

      const head = await raw(asset, { "accept-encoding": "br" }, "HEAD")
      expect(head.status).toBe(200)
      expect(head.headers.get("content-length")).toBe(String(brBody.length))

      const cached = await raw(asset, { "if-none-match": identity.headers.get("etag")! })
      expect(cached.status).toBe(304)
    }
  })

  test("an unknown file name is the API's 404", async () => {
    const res = await raw("/chunk-doesnotexist.js")
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe("NOT_FOUND")
  })
})

describe("around the page", () => {
  test("/api, /socket.io, /healthz, /docs and /metrics still reach the server", async () => {
    const me = await raw("/api/me")
    expect(me.status).toBe(401)
    expect((await me.json()).error.code).toBe("UNAUTHORIZED")
    const engine = await raw("/socket.io/?EIO=4&transport=polling")
    expect(engine.status).toBe(200)
    expect(await engine.text()).toStartWith('0{"sid":')
    expect((await raw("/healthz")).status).toBe(200)
    expect(await (await raw("/docs")).text()).toContain("<title>Causerie API</title>")
    expect(await (await raw("/metrics")).text()).toContain("causerie_")
    const unknown = await raw("/nope")
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.code).toBe("NOT_FOUND")
  })
})

test("the whole client is under 60 KB of JavaScript, gzipped", async () => {
  const { assets } = await webBundle()
  const scripts = [...assets].filter(([path]) => path.endsWith(".js"))
  expect(scripts.length).toBeGreaterThan(0)
  const gzipped = scripts.reduce(
    (sum, [, served]) => sum + Bun.gzipSync(served.body as Uint8Array<ArrayBuffer>).length,
    0,
  )
  expect(gzipped).toBeLessThan(60 * 1024)
})

test("no file of the client sets HTML: every text is rendered as text", async () => {
  const root = `${import.meta.dir}/../src/web/app`
  const offenders: string[] = []
  for await (const file of new Bun.Glob("**/*.{ts,tsx}").scan(root)) {
    const source = await Bun.file(`${root}/${file}`).text()
    if (/dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write/.test(source))
      offenders.push(file)
  }
  expect(offenders).toEqual([])
})
