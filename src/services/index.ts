/** Builds every service over one database; the only place they are wired together. */
import { createSessions } from "../auth/session.ts"
import { createTokens } from "../auth/tokens.ts"
import type { Db } from "../db.ts"
import { EventBus } from "../events.ts"
import { createConversationService } from "./conversationService.ts"
import { createMessageService } from "./messageService.ts"
import { createMemoryPresence } from "./presence.ts"
import { createUserService } from "./userService.ts"

export interface ServiceOptions {
  db: Db
  jwtSecret: string
  jwtTtlSeconds: number
  maxParticipants: number
}

/** All services, sharing one event bus and presence store. */
export function createServices({ db, jwtSecret, jwtTtlSeconds, maxParticipants }: ServiceOptions) {
  const bus = new EventBus()
  const presence = createMemoryPresence()
  const users = createUserService(db)
  const tokens = createTokens({ secret: jwtSecret, ttlSeconds: jwtTtlSeconds })
  const sessions = createSessions(tokens, users)
  const conversations = createConversationService({ db, users, presence, maxParticipants })
  const messages = createMessageService({ db, conversations, bus })
  return { bus, presence, users, tokens, sessions, conversations, messages }
}

export type Services = ReturnType<typeof createServices>
