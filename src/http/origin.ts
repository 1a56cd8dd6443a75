/**
 * Which pages may use the session cookie. A browser attaches the cookie to requests that other
 * sites start, so the Origin header is what tells them apart. Requests without an Origin come
 * from non-browser clients, which no other site can drive.
 */
import { createMiddleware } from "hono/factory"
import { AppError } from "../errors.ts"
import type { AppEnv } from "./env.ts"

/** How a request reached this server: what its own origin is made of. */
export interface RequestPlace {
  /** The Host header. */
  host: string | undefined
  /** True when the connection itself is TLS. */
  secure: boolean
  /** X-Forwarded-Proto, believed only behind a trusted proxy. */
  forwardedProto: string | undefined
}

/** This server's origin as the client sees it: scheme, host and port. */
export function ownOrigin(place: RequestPlace, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? place.forwardedProto?.split(",")[0]?.trim().toLowerCase() : undefined
  const scheme = forwarded === "https" || forwarded === "http" ? forwarded : place.secure ? "https" : "http"
  try {
    return place.host ? new URL(`${scheme}://${place.host}`).origin : undefined
  } catch {
    return undefined
  }
}

/**
 * True for no Origin, an allowed one, or this server's own origin: scheme, host and port all
 * equal (an https page is another origin than the same host over http).
 */
export function originAllowed(
  origin: string | undefined,
  own: string | undefined,
  allowed: string[],
): boolean {
  if (!origin) return true
  if (allowed.includes("*") || allowed.includes(origin)) return true
  try {
    return own !== undefined && new URL(origin).origin === own
  } catch {
    return false
  }
}

/** The place of an HTTP request, for `ownOrigin`. */
export const placeOf = (url: string, header: (name: string) => string | undefined): RequestPlace => ({
  host: header("host"),
  secure: url.startsWith("https:"),
  forwardedProto: header("x-forwarded-proto"),
})

const JSON_TYPE = /^application\/json\s*(;|$)/i

/**
 * For the routes that set or clear the cookie (login CSRF: a cross-site form could otherwise log a
 * browser into the attacker's account): a foreign Origin is FORBIDDEN, a body that is not declared
 * JSON is BAD_REQUEST. Forms can only send urlencoded, multipart or text bodies.
 */
export function cookieRouteGuard(allowedOrigins: string[], trustProxy: boolean) {
  return createMiddleware<AppEnv>(async function cookieRouteGuard(c, next) {
    const origin = c.req.header("origin")
    const own = ownOrigin(
      placeOf(c.req.url, (n) => c.req.header(n)),
      trustProxy,
    )
    if (!originAllowed(origin, own, allowedOrigins)) {
      c.var.log.warn({ event: "origin_refused", origin }, "cookie route called from a foreign origin")
      throw new AppError("FORBIDDEN", "This origin may not use the session cookie")
    }
    const length = c.req.header("content-length")
    const hasBody =
      (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined
    if (hasBody && !JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      throw new AppError("BAD_REQUEST", "The request body must be JSON (Content-Type: application/json)")
    }
    await next()
  })
}
