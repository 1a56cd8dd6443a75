/** Builds every service over one database; the only place they are wired together. */

import type { Config } from "../config.ts"
import type { Db } from "../db.ts"
import { EventBus } from "../events.ts"
import {
  createLoginThrottle,
  type LoginThrottle,
  type LoginThrottleOptions,
} from "../stores/loginThrottle.ts"
import { createMembership } from "../stores/membership.ts"
import { createMemoryPresence, type Presence } from "../stores/presence.ts"
import { type BucketStore, createMemoryBuckets, createTokenBucket } from "../stores/rateLimits.ts"
import type { TypingMarks } from "../stores/typing.ts"
import type { UploadStorage } from "../stores/uploads/storage.ts"
import { createAuditLog } from "./audit.ts"
import { createRevocations } from "./auth/revocations.ts"
import { createSessions } from "./auth/sessions.ts"
import { createTokens } from "./auth/tokens.ts"
import { createConversationService } from "./conversationService.ts"
import { createConversationSettings } from "./conversationSettings.ts"
import { createMessageChanges } from "./messageChanges.ts"
import { createMessageService } from "./messageService.ts"
import { createParticipantService } from "./participantService.ts"
import { createPeople } from "./people/index.ts"
import { createPointers } from "./pointers.ts"
import { createPresenceService } from "./presenceService.ts"
import { createReactions } from "./reactions.ts"
import { createRequestContext } from "./requestContext.ts"
import { createSearch } from "./search.ts"
import { createSearchIndexer } from "./searchIndex.ts"
import { createSync } from "./sync.ts"
import { createTyping } from "./typing.ts"
import { createUploads } from "./uploads.ts"
import { createUserService } from "./userService.ts"

export interface ServiceOptions {
  db: Db
  jwtSecret: string
  config: Pick<
    Config,
    | "jwtTtlSeconds"
    | "maxParticipants"
    | "rateLimit"
    | "passwordHashing"
    | "presenceGraceMs"
    | "registration"
    | "userDirectory"
    | "inviteTtlSeconds"
    | "passwordResetTtlSeconds"
    | "uploads"
  >
  /** Where uploaded files are kept (UPLOAD_STORAGE). */
  uploadStorage: UploadStorage
  /** Hears what fails in the background, with no request to answer (the search index's runs). */
  onBackgroundError?: (what: string, err: unknown) => void
  /** Live state several nodes share (in Redis); this process's memory when absent. */
  shared?: SharedStores
}

/**
 * The stores several nodes share, and how long another node's membership change or logout may go
 * unheard (should its word through Redis be lost).
 */
export interface SharedStores {
  buckets: BucketStore
  loginThrottle(options: LoginThrottleOptions): LoginThrottle
  membershipTtlMs: number
  /** Presence over every node (its grace included). */
  presence: Presence
  /** Typing states' marks, so that a message through any node ends its author's indicator. */
  typingMarks: TypingMarks
}

/** All services, sharing one event bus, presence store and membership cache. */
export function createServices({
  db,
  jwtSecret,
  config,
  shared,
  uploadStorage,
  onBackgroundError = () => {},
}: ServiceOptions) {
  const { rateLimit } = config
  const bus = new EventBus()
  const presence = shared?.presence ?? createMemoryPresence({ graceMs: config.presenceGraceMs })
  const membership = createMembership(db, { ttlMs: shared?.membershipTtlMs })
  const context = createRequestContext()
  const audit = createAuditLog(db, context)
  const users = createUserService({ db, audit, hashing: config.passwordHashing })
  const tokens = createTokens({ secret: jwtSecret, ttlSeconds: config.jwtTtlSeconds })
  const revocations = createRevocations(db, { ttlMs: shared?.membershipTtlMs })
  const sessions = createSessions(tokens, users, revocations)
  const buckets = shared?.buckets ?? createMemoryBuckets()
  const loginOptions: LoginThrottleOptions = {
    maxPerAddress: rateLimit.loginMaxFailures,
    windowMs: rateLimit.loginFailureWindowSeconds * 1000,
    slowAfter: rateLimit.loginSlowdownAfter,
    maxDelayMs: rateLimit.loginSlowdownMaxSeconds * 1000,
  }
  const limits = {
    send: createTokenBucket({
      name: "send",
      store: buckets,
      perSecond: rateLimit.messagesPerSecond,
      burst: rateLimit.messagesBurst,
      what: "messages",
    }),
    join: createTokenBucket({
      name: "join",
      store: buckets,
      perSecond: rateLimit.joinsPerSecond,
      burst: rateLimit.joinsBurst,
      what: "joins",
    }),
    typing: createTokenBucket({
      name: "typing",
      store: buckets,
      perSecond: rateLimit.typingPerSecond,
      burst: rateLimit.typingBurst,
      what: "typing notices",
    }),
    login: shared ? shared.loginThrottle(loginOptions) : createLoginThrottle(loginOptions),
    register: createTokenBucket({
      name: "register",
      store: buckets,
      perSecond: rateLimit.registrationsPerHour / 3600,
      burst: Math.max(1, rateLimit.registrationsPerHour),
      what: "registrations from this address",
    }),
    create: createTokenBucket({
      name: "create",
      store: buckets,
      perSecond: rateLimit.conversationsPerMinute / 60,
      burst: Math.max(1, rateLimit.conversationsPerMinute),
      what: "new conversations",
    }),
    change: createTokenBucket({
      name: "change",
      store: buckets,
      perSecond: rateLimit.changesPerMinute / 60,
      burst: Math.max(1, rateLimit.changesPerMinute),
      what: "conversation changes",
    }),
  }
  const conversations = createConversationService({
    db,
    bus,
    users,
    presence,
    membership,
    audit,
    maxParticipants: config.maxParticipants,
    createLimit: limits.create,
  })
  const participants = createParticipantService({
    db,
    bus,
    membership,
    conversationService: conversations,
    audit,
    changeLimit: limits.change,
  })
  const settings = createConversationSettings({ db, bus, membership, audit, changeLimit: limits.change })
  const people = createPeople({ db, bus, audit, users, membership, config })
  const pointers = createPointers({ db, membership, bus })
  const sync = createSync({ db })
  const searchIndex = createSearchIndexer(db, (err) => onBackgroundError("search_index", err))
  // Whatever a crash left unindexed goes in soon after the start, searched for or not.
  searchIndex.soon()
  const search = createSearch({ db, index: searchIndex })
  const uploads = createUploads({
    db,
    storage: uploadStorage,
    maxBytes: config.uploads.maxBytes,
    quotaBytes: config.uploads.quotaBytes,
    types: config.uploads.types,
    limit: limits.send,
  })
  const messages = createMessageService({
    db,
    membership,
    bus,
    sendLimit: limits.send,
    uploads,
    afterCommit: searchIndex.soon,
  })
  const messageChanges = createMessageChanges({ db, membership, bus, audit, sendLimit: limits.send, uploads })
  const reactions = createReactions({ db, membership, bus, sendLimit: limits.send })
  const typing = createTyping({ membership, bus, limit: limits.typing, marks: shared?.typingMarks })
  const presenceService = createPresenceService({ db, bus, presence })
  return {
    bus,
    context,
    audit,
    people,
    presence,
    membership,
    users,
    tokens,
    sessions,
    revocations,
    conversations,
    participants,
    settings,
    messages,
    messageChanges,
    uploads,
    reactions,
    pointers,
    sync,
    search,
    typing,
    presenceService,
    limits,
    /** Stops what outlives requests (typing and presence timers); resolves once their writes are done. */
    async close(): Promise<void> {
      typing.close()
      await presenceService.close()
      await searchIndex.stop()
    },
  }
}

export type Services = ReturnType<typeof createServices>
