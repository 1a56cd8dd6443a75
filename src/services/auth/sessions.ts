/** Turns a token into the live user it names: signature, expiry, existence and revocation. */

import { AppError } from "../../errors.ts"
import type { UserRow, UserService } from "../userService.ts"
import type { Revocations } from "./revocations.ts"
import type { TokenClaims, Tokens } from "./tokens.ts"

export interface Session {
  user: UserRow
  claims: TokenClaims
}

/** Resolves tokens to sessions; every HTTP request and socket handshake goes through it. */
export function createSessions(tokens: Tokens, users: UserService, revocations: Revocations) {
  return {
    async fromToken(token: string | undefined | null): Promise<Session> {
      if (!token) throw new AppError("UNAUTHORIZED", "Authentication token is missing")
      const claims = await tokens.verify(token)
      const user = await users.findById(claims.userId)
      if (!user || user.deletedAt)
        throw new AppError("UNAUTHORIZED", "The user of this token no longer exists")
      // Disabling revokes every token too (a version bump): this only names the reason.
      if (user.disabledAt) throw new AppError("UNAUTHORIZED", "This account is disabled")
      if (
        user.tokenVersion !== claims.version ||
        (claims.tokenId !== undefined && (await revocations.isRevoked(claims.tokenId)))
      )
        throw new AppError("UNAUTHORIZED", "Authentication token has been revoked")
      return { user, claims }
    },
  }
}

export type Sessions = ReturnType<typeof createSessions>
