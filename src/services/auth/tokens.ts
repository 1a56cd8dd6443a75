/** Signs and verifies the HS256 session tokens that HTTP and sockets both accept. */
import { randomBytes } from "node:crypto"
import { sign, verify } from "hono/jwt"
import { JwtTokenExpired, JwtTokenSignatureMismatched } from "hono/utils/jwt/types"
import { AppError } from "../../errors.ts"

export interface TokenClaims {
  userId: number
  /** The user's token version when it was issued; a bump revokes it. */
  version: number
  /** Seconds since the epoch. */
  expiresAt: number
  /** The token's own id (`jti`), to revoke it alone; absent from tokens issued before it existed. */
  tokenId?: string
}

export interface Tokens {
  issue(userId: number, version: number): Promise<{ token: string; expiresAt: number }>
  /** Throws UNAUTHORIZED with a message that says what is wrong with the token. */
  verify(token: string): Promise<TokenClaims>
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
/** The only subject the server issues: a user id in canonical decimal, as a string. */
const SUBJECT = /^[1-9][0-9]{0,15}$/
const TOKEN_ID = /^[A-Za-z0-9_-]{16,64}$/

/** The user id of a subject in exactly the form `issue` writes it, or undefined. */
function subjectId(sub: unknown): number | undefined {
  if (typeof sub !== "string" || !SUBJECT.test(sub)) return undefined
  const id = Number(sub)
  return Number.isSafeInteger(id) ? id : undefined
}

/** Token service bound to one secret and lifetime. */
export function createTokens({ secret, ttlSeconds }: { secret: string; ttlSeconds: number }): Tokens {
  // Imported once: hono/jwt would otherwise import the raw secret again on every sign and verify.
  const key = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  )
  return {
    async issue(userId, version) {
      const now = Math.floor(Date.now() / 1000)
      const expiresAt = now + ttlSeconds
      const token = await sign(
        {
          sub: String(userId),
          ver: version,
          iat: now,
          exp: expiresAt,
          jti: randomBytes(16).toString("base64url"),
        },
        await key,
        "HS256",
      )
      return { token, expiresAt }
    },
    async verify(token) {
      if (token.length > 4096 || !JWT_SHAPE.test(token)) {
        throw new AppError("UNAUTHORIZED", "Authentication token is malformed")
      }
      let payload: Record<string, unknown>
      try {
        payload = await verify(token, await key, "HS256")
      } catch (err) {
        if (err instanceof JwtTokenExpired)
          throw new AppError("UNAUTHORIZED", "Authentication token has expired")
        if (err instanceof JwtTokenSignatureMismatched) {
          throw new AppError("UNAUTHORIZED", "Authentication token signature is invalid")
        }
        throw new AppError("UNAUTHORIZED", "Authentication token is malformed")
      }
      // Only the exact form issued: Number() would also take ["1"], "0x1", "1.0", " 1 " or "1e0".
      const userId = subjectId(payload.sub)
      const { ver, exp, jti } = payload
      const badId = jti !== undefined && (typeof jti !== "string" || !TOKEN_ID.test(jti))
      if (userId === undefined || !Number.isSafeInteger(ver) || typeof exp !== "number" || badId) {
        throw new AppError("UNAUTHORIZED", "Authentication token is malformed")
      }
      return { userId, version: ver as number, expiresAt: exp, tokenId: jti as string | undefined }
    },
  }
}
