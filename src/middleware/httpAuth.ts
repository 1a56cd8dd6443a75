/** The HTTP guard: a Bearer token or the `token` cookie, resolved to a live user. */
import { getCookie } from "hono/cookie"
import { createMiddleware } from "hono/factory"
import type { Sessions } from "../auth/session.ts"
import type { AppEnv } from "../http/types.ts"
import { toPublicUser } from "../services/userService.ts"

/** The token a request carries: `Authorization: Bearer` first, then the cookie. */
export function requestToken(
  authorization: string | undefined,
  cookie: string | undefined,
): string | undefined {
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null
  return match?.[1] ?? cookie
}

/** Rejects the request with UNAUTHORIZED unless it carries a valid token; sets `c.var.user`. */
export function requireAuth(sessions: Sessions) {
  return createMiddleware<AppEnv>(async function requireAuth(c, next) {
    const token = requestToken(c.req.header("authorization"), getCookie(c, "token"))
    try {
      const { user } = await sessions.fromToken(token)
      c.set("user", toPublicUser(user))
    } catch (err) {
      c.var.log.warn({ event: "auth_failed", reason: (err as Error).message }, "authentication failed")
      throw err
    }
    await next()
  })
}
