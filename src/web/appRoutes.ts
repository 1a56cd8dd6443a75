/**
 * Serves the web client (src/web/app). Its HTML entry is an HTML import, so `bun build --compile`
 * bundles it and embeds the files (`files` on the import); run from source, the import has no files and
 * the page is bundled here, once per process, on its first request. Bun's own serving of an HTML import
 * neither compresses nor (in the executable) sets cache headers, and cannot add a Content-Security-Policy,
 * so every file is served from memory here: gzip and brotli made once, chosen by Accept-Encoding;
 * hashed assets cached for a year, the page revalidated every time (it names the current hashes).
 * Only the client routes answer the page: a catch-all would swallow /api, /socket.io, /metrics, /docs.
 */
import { basename } from "node:path"
import { brotliCompressSync, constants } from "node:zlib"
import type { HTMLBundle } from "bun"
import appPage from "./app/index.html"

/** The client's routes, as Bun.serve `routes` patterns: each answers the page. */
export const CLIENT_ROUTES = [
  "/",
  "/signin",
  "/signup",
  "/invite/:code",
  "/c/:id",
  "/new",
  "/search",
  "/profile",
  "/admin",
] as const

/**
 * No inline script or style, nothing from elsewhere; blob: for the previews of a recording or an image
 * about to be sent; 'self' covers the socket's ws:/wss: on the same host.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ")

interface Served {
  type: string
  etag: string
  body: Uint8Array
  gzip?: Uint8Array
  br?: Uint8Array
}

interface Bundle {
  page: Served
  /** By path, e.g. `/chunk-1a2b3c4d.js`. */
  assets: Map<string, Served>
}

const TEXT = /^(text\/|application\/(javascript|json|xml)|image\/svg)/
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
}
const typeOf = (path: string) => TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream"

function prepare(body: Uint8Array, type: string): Served {
  const served: Served = { type, body, etag: `"${Bun.hash(body).toString(36)}"` }
  if (TEXT.test(type)) {
    // Kept only when smaller: a tiny file can grow once compressed.
    const gzip = Bun.gzipSync(body as Uint8Array<ArrayBuffer>, { level: 9 })
    const br = brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    })
    if (gzip.length < body.length) served.gzip = gzip
    if (br.length < body.length) served.br = br
  }
  return served
}

/** The page's files as the executable embeds them, or bundled now from source. */
async function load(): Promise<Bundle> {
  const files = (appPage as HTMLBundle).files
  const assets = new Map<string, Served>()
  let page: Served | undefined
  if (files?.length) {
    for (const file of files) {
      const body = await Bun.file(file.path).bytes()
      if (file.loader === "html" && file.isEntry) page = prepare(body, TYPES[".html"]!)
      else assets.set(`/${basename(file.path)}`, prepare(body, typeOf(file.path)))
    }
  } else {
    const built = await Bun.build({
      entrypoints: [appPage.index],
      target: "browser",
      minify: true,
      publicPath: "/",
      // Production builds of the libraries (no `development` export condition, no JSX dev runtime).
      define: { "process.env.NODE_ENV": JSON.stringify("production") },
      throw: false,
    })
    if (!built.success) throw new AggregateError(built.logs, "the web client failed to build")
    for (const output of built.outputs) {
      const body = new Uint8Array(await output.arrayBuffer())
      if (output.path.endsWith(".html")) page = prepare(body, TYPES[".html"]!)
      else assets.set(`/${basename(output.path)}`, prepare(body, typeOf(output.path)))
    }
  }
  if (!page) throw new Error("the web client has no HTML page")
  return { page, assets }
}

let bundle: Promise<Bundle> | undefined
/** The bundle, loaded once per process (every server of a test process shares it). */
export const webBundle = (): Promise<Bundle> => {
  bundle ??= load().catch((err) => {
    bundle = undefined
    throw err
  })
  return bundle
}

/** The encodings a request accepts, by its Accept-Encoding (q=0 refuses one). */
function accepts(req: Request, encoding: string): boolean {
  const header = req.headers.get("accept-encoding")
  if (!header) return false
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().split(";")
    if (name?.trim().toLowerCase() !== encoding && name?.trim() !== "*") continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="))
    return q === undefined || Number(q.slice(2)) > 0
  }
  return false
}

function respond(req: Request, served: Served, headers: Record<string, string>): Response {
  const common: Record<string, string> = {
    "content-type": served.type,
    etag: served.etag,
    vary: "Accept-Encoding",
    "x-content-type-options": "nosniff",
    ...headers,
  }
  const ifNoneMatch = req.headers.get("if-none-match")
  if (ifNoneMatch?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === served.etag))
    return new Response(null, { status: 304, headers: common })
  let body = served.body
  if (served.br && accepts(req, "br")) {
    body = served.br
    common["content-encoding"] = "br"
  } else if (served.gzip && accepts(req, "gzip")) {
    body = served.gzip
    common["content-encoding"] = "gzip"
  }
  common["content-length"] = String(body.length)
  return new Response(req.method === "HEAD" ? null : (body as Uint8Array<ArrayBuffer>), { headers: common })
}

const notFound = (req: Request) =>
  Response.json(
    { error: { code: "NOT_FOUND", message: `No route for ${req.method} ${new URL(req.url).pathname}` } },
    { status: 404, headers: { "x-content-type-options": "nosniff" } },
  )

/** The page, for every client route. */
export async function servePage(req: Request): Promise<Response> {
  if (req.method !== "GET" && req.method !== "HEAD") return notFound(req)
  const { page } = await webBundle()
  return respond(req, page, {
    "cache-control": "no-cache",
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
  })
}

/** A top-level file name, as the bundler names the page's assets (`/chunk-1a2b3c4d.js`). */
const ASSET_PATH = /^\/[\w.-]+\.(js|css|map|svg|png|ico|woff2)$/

/** One of the page's assets, or undefined when `pathname` is none (the caller answers it). */
export async function serveAsset(req: Request, pathname: string): Promise<Response | undefined> {
  if ((req.method !== "GET" && req.method !== "HEAD") || !ASSET_PATH.test(pathname)) return undefined
  const served = (await webBundle()).assets.get(pathname)
  return served && respond(req, served, { "cache-control": "public, max-age=31536000, immutable" })
}

/** Bun.serve `routes` for the page. */
export const appRoutes = Object.fromEntries(CLIENT_ROUTES.map((route) => [route, servePage]))
