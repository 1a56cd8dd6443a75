/**
 * The configuration: every setting (declared in config/settings.ts) parsed once from the environment,
 * shaped as the rest of the code reads it. An invalid value stops the start with a line naming it.
 */
import type { Declaration } from "./config/settings.ts"
import { SETTING_NAMES, SETTINGS, type SettingValues } from "./config/settings.ts"

export { parseDuration } from "./config/kinds.ts"
export { SETTING_NAMES, SETTINGS } from "./config/settings.ts"

/** The settings as the code reads them. A new setting adds a field here and a line in fromSettings. */
export interface Config {
  port: number
  host: string
  databaseUrl: string
  databaseAuthToken?: string
  databaseSynchronous: "NORMAL" | "FULL"
  dataDir: string
  /** Undefined until resolved at start (environment or the data folder's secret file). */
  jwtSecret?: string
  jwtTtlSeconds: number
  corsOrigins: string[]
  logLevel: SettingValues["LOG_LEVEL"]
  maxHttpBufferSize: number
  maxParticipants: number
  rateLimit: {
    messagesPerSecond: number
    messagesBurst: number
    joinsPerSecond: number
    joinsBurst: number
    typingPerSecond: number
    typingBurst: number
    /** Per (email, address). */
    loginMaxFailures: number
    loginFailureWindowSeconds: number
    /** Per email: failures before each attempt waits, doubling from 1 s up to the max. */
    loginSlowdownAfter: number
    loginSlowdownMaxSeconds: number
    /** Per client address. */
    registrationsPerHour: number
    /** Per user: new conversations. */
    conversationsPerMinute: number
    /** Per user: renames and participant changes (add, remove, role). */
    changesPerMinute: number
  }
  /** Engine.IO sessions not yet authenticated: caps and how long one may wait. */
  pendingSessions: { perAddress: number; total: number; timeoutMs: number }
  maxConnectionsPerUser: number
  /** How long a user stays online after their last device disconnects (a reload is not a blip). */
  presenceGraceMs: number
  /** Take the client address from X-Forwarded-For (behind a reverse proxy). */
  trustProxy: boolean
  /** argon2id cost for new password hashes (existing hashes keep their own). */
  passwordHashing: { memoryKib: number; timeCost: number }
  /** Room broadcasts through Bun's native publish (sockets/topicAdapter.ts). */
  nativeBroadcast: boolean
  /** The longest a graceful stop may take before the rest is cut short. */
  shutdownTimeoutMs: number
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string
  /** Several nodes: Redis carries broadcasts and shared limits between them. Unset: one node, all in memory. */
  redisUrl?: string
  /** Several nodes: after how long without a heartbeat in Redis a node is taken for dead. */
  nodeTimeoutMs: number
  /** "auto": pretty on an interactive terminal, JSON otherwise. */
  logFormat: SettingValues["LOG_FORMAT"]
  /** Who may create an account over HTTP: anyone, holders of an admin's invite, or nobody. */
  registration: SettingValues["REGISTRATION"]
  /** Whom the directory finds: every user, or people one shares a conversation with (and exact emails). */
  userDirectory: SettingValues["USER_DIRECTORY"]
  /** How long an invite lasts when its maker gives no `expiresIn`. */
  inviteTtlSeconds: number
  /** How long a password reset token lasts. */
  passwordResetTtlSeconds: number
  /** Uploaded files: the largest, the types allowed (sniffed), and where they are kept. */
  uploads: { maxBytes: number; quotaBytes: number; types: string[]; storage: string }
}

function fromSettings(s: SettingValues): Config {
  return {
    port: s.PORT,
    host: s.HOST,
    databaseUrl: s.DATABASE_URL,
    databaseAuthToken: s.DATABASE_AUTH_TOKEN,
    databaseSynchronous: s.DATABASE_SYNCHRONOUS,
    dataDir: s.DATA_DIR,
    jwtSecret: s.JWT_SECRET,
    jwtTtlSeconds: s.JWT_TTL,
    corsOrigins: s.CORS_ORIGINS,
    logLevel: s.LOG_LEVEL,
    maxHttpBufferSize: s.MAX_HTTP_BUFFER_SIZE,
    maxParticipants: s.MAX_PARTICIPANTS,
    rateLimit: {
      messagesPerSecond: s.RATE_LIMIT_MESSAGES_PER_SECOND,
      messagesBurst: s.RATE_LIMIT_MESSAGES_BURST,
      joinsPerSecond: s.RATE_LIMIT_JOINS_PER_SECOND,
      joinsBurst: s.RATE_LIMIT_JOINS_BURST,
      typingPerSecond: s.RATE_LIMIT_TYPING_PER_SECOND,
      typingBurst: s.RATE_LIMIT_TYPING_BURST,
      loginMaxFailures: s.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: s.LOGIN_FAILURE_WINDOW,
      loginSlowdownAfter: s.LOGIN_SLOWDOWN_AFTER,
      loginSlowdownMaxSeconds: s.LOGIN_SLOWDOWN_MAX,
      registrationsPerHour: s.RATE_LIMIT_REGISTRATIONS_PER_HOUR,
      conversationsPerMinute: s.RATE_LIMIT_CONVERSATIONS_PER_MINUTE,
      changesPerMinute: s.RATE_LIMIT_CHANGES_PER_MINUTE,
    },
    pendingSessions: {
      perAddress: s.MAX_PENDING_SESSIONS_PER_ADDRESS,
      total: s.MAX_PENDING_SESSIONS,
      timeoutMs: s.PENDING_SESSION_TIMEOUT_MS,
    },
    maxConnectionsPerUser: s.MAX_CONNECTIONS_PER_USER,
    presenceGraceMs: s.PRESENCE_GRACE_MS,
    trustProxy: s.TRUST_PROXY,
    passwordHashing: { memoryKib: s.PASSWORD_HASH_MEMORY_KIB, timeCost: s.PASSWORD_HASH_TIME_COST },
    nativeBroadcast: s.NATIVE_BROADCAST,
    shutdownTimeoutMs: s.SHUTDOWN_TIMEOUT_MS,
    metricsToken: s.METRICS_TOKEN,
    redisUrl: s.REDIS_URL,
    nodeTimeoutMs: s.NODE_TIMEOUT_MS,
    logFormat: s.LOG_FORMAT,
    registration: s.REGISTRATION,
    userDirectory: s.USER_DIRECTORY,
    inviteTtlSeconds: s.INVITE_TTL,
    passwordResetTtlSeconds: s.PASSWORD_RESET_TTL,
    uploads: {
      maxBytes: s.UPLOAD_MAX_BYTES,
      quotaBytes: s.UPLOAD_QUOTA_BYTES,
      types: s.UPLOAD_TYPES,
      storage: s.UPLOAD_STORAGE,
    },
  }
}

/** One line per invalid variable, in the setting's terms: "PORT must be ..., got 'abc'". */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"))
  }
}

/** Reads the configuration from an environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const values: Record<string, unknown> = {}
  const problems: string[] = []
  for (const name of SETTING_NAMES) {
    const setting: Declaration = SETTINGS[name]
    // An empty variable means "not set", as in most shells' `VAR= command`.
    const raw = env[name] === undefined || env[name] === "" ? setting.default : env[name]
    if (raw === undefined) continue
    const parsed = setting.kind.schema.safeParse(raw)
    if (parsed.success) values[name] = parsed.data
    else problems.push(`${name} must be ${setting.kind.expects}, got ${shown(raw, setting.secret)}`)
  }
  if (problems.length) throw new ConfigError(problems)
  return fromSettings(values as SettingValues)
}

/** The rejected text as the error shows it: secrets by length only, URL credentials masked, long text cut. */
function shown(raw: string, secret?: true): string {
  if (secret) return `${raw.length} characters`
  const masked = raw.replace(/\/\/[^@/]*@/, "//***@")
  return `'${masked.length > 60 ? `${masked.slice(0, 60)}…` : masked}'`
}
