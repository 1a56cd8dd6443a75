/** The HTTP guard: a Bearer token or the `token` cookie, resolved to a live user. */
import { Hono } from "hono"
import { getCookie } from "hono/cookie"
import { createMiddleware } from "hono/factory"
import type { Config } from "../config.ts"
import { AppError } from "../errors.ts"
import type { Sessions } from "../services/auth/sessions.ts"
import { asSeenByOthers, toOwnUser, toPublicUser } from "../services/userService.ts"
import type { AppEnv } from "./env.ts"
import { originAllowed, ownOrigin, placeOf } from "./origin.ts"

/** The token a request carries: `Authorization: Bearer` first, then the cookie. */
export function requestToken(
  authorization: string | undefined,
  cookie: string | undefined,
): { token: string | undefined; fromCookie: boolean } {
  const bearer = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined
  return bearer ? { token: bearer, fromCookie: false } : { token: cookie, fromCookie: cookie !== undefined }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/** What the guard needs of the settings to tell this server's own origin (behind a proxy too). */
export type OriginSettings = Pick<Config, "corsOrigins" | "trustProxy">

/**
 * Rejects the request with UNAUTHORIZED unless it carries a valid token, and a cookie-authenticated
 * write with FORBIDDEN unless its origin is allowed; sets `c.var.user`.
 */
export function requireAuth(sessions: Sessions, { corsOrigins, trustProxy }: OriginSettings) {
  return createMiddleware<AppEnv>(async function requireAuth(c, next) {
    const { token, fromCookie } = requestToken(c.req.header("authorization"), getCookie(c, "token"))
    if (fromCookie && !SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin")
      const own = ownOrigin(
        placeOf(c.req.url, (n) => c.req.header(n)),
        trustProxy,
      )
      if (!originAllowed(origin, own, corsOrigins)) {
        c.var.log.warn({ event: "origin_refused", origin }, "cookie request from a foreign origin")
        throw new AppError("FORBIDDEN", "This origin may not use the session cookie")
      }
    }
    try {
      const { user } = await sessions.fromToken(token)
      // `user` goes out in answers and broadcasts as others see it; `me` is for the owner alone.
      c.set("me", toOwnUser(user))
      c.set("user", asSeenByOthers(toPublicUser(user)))
    } catch (err) {
      c.var.log.warn({ event: "auth_failed", reason: (err as Error).message }, "authentication failed")
      throw err
    }
    await next()
  })
}

/** A router whose every route is behind `requireAuth`. */
export function authedRouter(sessions: Sessions, settings: OriginSettings) {
  return new Hono<AppEnv>().use(requireAuth(sessions, settings))
}

/** After requireAuth: FORBIDDEN unless the caller is a server admin. */
export const requireServerAdmin = createMiddleware<AppEnv>(async function requireServerAdmin(c, next) {
  if (!c.var.me.isAdmin) throw new AppError("FORBIDDEN", "Only a server admin can do this")
  await next()
})
