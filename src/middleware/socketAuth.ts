/** authenticateSocket: the handshake guard; token from `auth.token`, the `token` query parameter or cookie. */
import { parse } from "hono/utils/cookie"
import type { Socket } from "socket.io"
import type { Sessions } from "../auth/session.ts"
import { toErrorBody } from "../errors.ts"
import type { Logger } from "../logger.ts"
import { toPublicUser } from "../services/userService.ts"

/** The token a handshake carries, in order: `auth.token`, `?token=`, then the `token` cookie. */
export function handshakeToken(socket: Socket): string | undefined {
  const { auth, query, headers } = socket.handshake
  const fromAuth = (auth as Record<string, unknown> | undefined)?.token
  if (typeof fromAuth === "string" && fromAuth) return fromAuth
  const fromQuery = query.token
  if (typeof fromQuery === "string" && fromQuery) return fromQuery
  const cookie = headers.cookie
  return cookie ? parse(cookie, "token").token : undefined
}

/**
 * Socket.IO middleware: refuses the connection (a `connect_error` whose message says why, and
 * `data.code`) unless the token is valid and its user still exists.
 */
export function authenticateSocket(sessions: Sessions, logger: Logger) {
  return async function authenticateSocket(socket: Socket, next: (err?: Error) => void) {
    try {
      const { user, claims } = await sessions.fromToken(handshakeToken(socket))
      socket.data.user = toPublicUser(user)
      socket.data.tokenExpiresAt = claims.expiresAt * 1000
      next()
    } catch (err) {
      const body = toErrorBody(err)
      logger.warn(
        { event: "socket_auth_failed", socketId: socket.id, reason: body.message },
        "socket authentication failed",
      )
      const refusal = new Error(body.message) as Error & { data?: unknown }
      refusal.data = { code: body.code }
      next(refusal)
    }
  }
}
