/** Builds every service over one database; the only place they are wired together. */

import type { Config } from "../config.ts"
import type { Db } from "../db.ts"
import { EventBus } from "../events.ts"
import { createMembership } from "../stores/membership.ts"
import { createMemoryPresence } from "../stores/presence.ts"
import { createFailureWindow, createTokenBucket } from "../stores/rateLimits.ts"
import { createSessions } from "./auth/sessions.ts"
import { createTokens } from "./auth/tokens.ts"
import { createConversationService } from "./conversationService.ts"
import { createConversationSettings } from "./conversationSettings.ts"
import { createMessageService } from "./messageService.ts"
import { createParticipantService } from "./participantService.ts"
import { createPointers } from "./pointers.ts"
import { createSync } from "./sync.ts"
import { createUserService } from "./userService.ts"

export interface ServiceOptions {
  db: Db
  jwtSecret: string
  config: Pick<Config, "jwtTtlSeconds" | "maxParticipants" | "rateLimit" | "passwordHashing">
}

/** All services, sharing one event bus, presence store and membership cache. */
export function createServices({ db, jwtSecret, config }: ServiceOptions) {
  const { rateLimit } = config
  const bus = new EventBus()
  const presence = createMemoryPresence()
  const membership = createMembership(db)
  const users = createUserService(db, config.passwordHashing)
  const tokens = createTokens({ secret: jwtSecret, ttlSeconds: config.jwtTtlSeconds })
  const sessions = createSessions(tokens, users)
  const conversations = createConversationService({
    db,
    bus,
    users,
    presence,
    membership,
    maxParticipants: config.maxParticipants,
  })
  const participants = createParticipantService({ db, bus, membership, conversationService: conversations })
  const settings = createConversationSettings({ db, bus, membership })
  const pointers = createPointers({ db, membership, bus })
  const sync = createSync({ db })
  const limits = {
    send: createTokenBucket({
      perSecond: rateLimit.messagesPerSecond,
      burst: rateLimit.messagesBurst,
      what: "messages",
    }),
    join: createTokenBucket({
      perSecond: rateLimit.joinsPerSecond,
      burst: rateLimit.joinsBurst,
      what: "joins",
    }),
    loginByEmail: createFailureWindow({
      max: rateLimit.loginMaxFailures,
      windowMs: rateLimit.loginFailureWindowSeconds * 1000,
      what: "failed logins for this account",
    }),
    loginByAddress: createFailureWindow({
      max: rateLimit.loginMaxFailures,
      windowMs: rateLimit.loginFailureWindowSeconds * 1000,
      what: "failed logins from this address",
    }),
  }
  const messages = createMessageService({ db, membership, bus, sendLimit: limits.send })
  return {
    bus,
    presence,
    membership,
    users,
    tokens,
    sessions,
    conversations,
    participants,
    settings,
    messages,
    pointers,
    sync,
    limits,
  }
}

export type Services = ReturnType<typeof createServices>
