/** authenticateSocket: the handshake guard; token from `auth.token`, the `token` query parameter or cookie. */
import { parse } from "hono/utils/cookie"
import type { Socket } from "socket.io"
import { AppError, toErrorBody } from "../errors.ts"
import { originAllowed, ownOrigin } from "../http/origin.ts"
import type { Logger } from "../ops/logger.ts"
import type { Sessions } from "../services/auth/sessions.ts"
import { asSeenByOthers, toPublicUser } from "../services/userService.ts"
import type { Presence } from "../stores/presence.ts"

/** The token a handshake carries, in order: `auth.token`, `?token=`, then the `token` cookie. */
export function handshakeToken(socket: Socket): { token: string | undefined; fromCookie: boolean } {
  const { auth, query, headers } = socket.handshake
  const fromAuth = (auth as Record<string, unknown> | undefined)?.token
  if (typeof fromAuth === "string" && fromAuth) return { token: fromAuth, fromCookie: false }
  const fromQuery = query.token
  if (typeof fromQuery === "string" && fromQuery) return { token: fromQuery, fromCookie: false }
  const token = headers.cookie ? parse(headers.cookie, "token").token : undefined
  return { token, fromCookie: token !== undefined }
}

export interface SocketAuthOptions {
  sessions: Sessions
  presence: Presence
  logger: Logger
  allowedOrigins: string[]
  maxConnectionsPerUser: number
  trustProxy: boolean
}

/**
 * Socket.IO middleware: refuses the connection (a `connect_error` whose message says why, and
 * `data.code`) unless the token is valid and its user still exists.
 */
export function authenticateSocket({
  sessions,
  presence,
  logger,
  allowedOrigins,
  maxConnectionsPerUser,
  trustProxy,
}: SocketAuthOptions) {
  return async function authenticateSocket(socket: Socket, next: (err?: Error) => void) {
    try {
      const { token, fromCookie } = handshakeToken(socket)
      const { origin, host } = socket.handshake.headers
      const forwardedProto = socket.handshake.headers["x-forwarded-proto"]
      const own = ownOrigin(
        { host, secure: socket.handshake.secure, forwardedProto: [forwardedProto].flat()[0] },
        trustProxy,
      )
      if (fromCookie && !originAllowed(origin, own, allowedOrigins)) {
        throw new AppError("FORBIDDEN", "This origin may not use the session cookie")
      }
      const { user, claims } = await sessions.fromToken(token)
      if ((await presence.count(user.id)) >= maxConnectionsPerUser) {
        throw new AppError("RATE_LIMITED", `At most ${maxConnectionsPerUser} connections per user`)
      }
      // The socket's user goes out in broadcasts (sender, by, user_joined): as others see it.
      socket.data.user = asSeenByOthers(toPublicUser(user))
      socket.data.tokenExpiresAt = claims.expiresAt * 1000
      socket.data.tokenId = claims.tokenId
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
