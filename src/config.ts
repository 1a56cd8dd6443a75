/** Settings from the environment, parsed once with defaults; invalid values stop the start. */
import { z } from "zod"

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const

/** Parses "7d", "12h", "30m", "45s" or a number of seconds into seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim())
  if (!match) return undefined
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? "s") as "s" | "m" | "h" | "d"]
  const seconds = Number(match[1]) * unit
  return seconds > 0 ? seconds : undefined
}

const duration = z.string().transform((value, ctx) => {
  const seconds = parseDuration(value)
  if (seconds === undefined) {
    ctx.addIssue({ code: "custom", message: 'expected a duration such as "7d", "12h", "30m" or seconds' })
    return z.NEVER
  }
  return seconds
})

const port = z.coerce.number().int().min(0).max(65535)
const positiveInt = z.coerce.number().int().positive()
const nonNegativeInt = z.coerce.number().int().min(0)

const envSchema = z.object({
  PORT: port.default(3001),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/, "expected file:, libsql://, http(s):// or ws(s)://")
    .default("file:./data/chat.db"),
  DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  DATABASE_SYNCHRONOUS: z.enum(["NORMAL", "FULL"]).default("NORMAL"),
  DATA_DIR: z.string().min(1).default("./data"),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_TTL: duration.default(7 * 86400),
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.literal("*"), z.url({ protocol: /^https?$/ })]))),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  MAX_HTTP_BUFFER_SIZE: positiveInt.default(64 * 1024),
  MAX_PARTICIPANTS: positiveInt.default(1000),
  RATE_LIMIT_MESSAGES_PER_SECOND: nonNegativeInt.default(20),
  RATE_LIMIT_MESSAGES_BURST: positiveInt.default(40),
  RATE_LIMIT_JOINS_PER_SECOND: nonNegativeInt.default(10),
  RATE_LIMIT_JOINS_BURST: positiveInt.default(30),
  RATE_LIMIT_TYPING_PER_SECOND: nonNegativeInt.default(2),
  RATE_LIMIT_TYPING_BURST: positiveInt.default(6),
  LOGIN_MAX_FAILURES: nonNegativeInt.default(10),
  LOGIN_FAILURE_WINDOW: duration.default(15 * 60),
  MAX_CONNECTIONS_PER_USER: positiveInt.default(20),
  PRESENCE_GRACE_MS: nonNegativeInt.default(5000),
  TRUST_PROXY: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).max(4_194_304).default(19_456),
  PASSWORD_HASH_TIME_COST: z.coerce.number().int().min(1).max(20).default(2),
  NATIVE_BROADCAST: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "expected redis:// or rediss://")
    .optional(),
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  // Hardening (issue 16): abuse limits and unauthenticated sessions.
  LOGIN_SLOWDOWN_AFTER: nonNegativeInt.default(5),
  LOGIN_SLOWDOWN_MAX: duration.default(60),
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: nonNegativeInt.default(20),
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: nonNegativeInt.default(10),
  RATE_LIMIT_CHANGES_PER_MINUTE: nonNegativeInt.default(60),
  MAX_PENDING_SESSIONS_PER_ADDRESS: positiveInt.default(50),
  MAX_PENDING_SESSIONS: positiveInt.default(2000),
  PENDING_SESSION_TIMEOUT_MS: positiveInt.default(5000),
})

/** Every environment variable the configuration reads. */
export const SETTING_NAMES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[]

export type Config = {
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
  logLevel: (typeof LOG_LEVELS)[number]
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
  /** "auto": pretty on an interactive terminal, JSON otherwise. */
  logFormat: "auto" | "json" | "pretty"
}

export class ConfigError extends Error {}

/** Reads the configuration from an environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""))
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    databaseSynchronous: e.DATABASE_SYNCHRONOUS,
    dataDir: e.DATA_DIR,
    jwtSecret: e.JWT_SECRET,
    jwtTtlSeconds: e.JWT_TTL,
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    maxHttpBufferSize: e.MAX_HTTP_BUFFER_SIZE,
    maxParticipants: e.MAX_PARTICIPANTS,
    rateLimit: {
      messagesPerSecond: e.RATE_LIMIT_MESSAGES_PER_SECOND,
      messagesBurst: e.RATE_LIMIT_MESSAGES_BURST,
      joinsPerSecond: e.RATE_LIMIT_JOINS_PER_SECOND,
      joinsBurst: e.RATE_LIMIT_JOINS_BURST,
      typingPerSecond: e.RATE_LIMIT_TYPING_PER_SECOND,
      typingBurst: e.RATE_LIMIT_TYPING_BURST,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: e.LOGIN_FAILURE_WINDOW,
      loginSlowdownAfter: e.LOGIN_SLOWDOWN_AFTER,
      loginSlowdownMaxSeconds: e.LOGIN_SLOWDOWN_MAX,
      registrationsPerHour: e.RATE_LIMIT_REGISTRATIONS_PER_HOUR,
      conversationsPerMinute: e.RATE_LIMIT_CONVERSATIONS_PER_MINUTE,
      changesPerMinute: e.RATE_LIMIT_CHANGES_PER_MINUTE,
    },
    pendingSessions: {
      perAddress: e.MAX_PENDING_SESSIONS_PER_ADDRESS,
      total: e.MAX_PENDING_SESSIONS,
      timeoutMs: e.PENDING_SESSION_TIMEOUT_MS,
    },
    maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    trustProxy: e.TRUST_PROXY,
    passwordHashing: { memoryKib: e.PASSWORD_HASH_MEMORY_KIB, timeCost: e.PASSWORD_HASH_TIME_COST },
    nativeBroadcast: e.NATIVE_BROADCAST,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    metricsToken: e.METRICS_TOKEN,
    redisUrl: e.REDIS_URL,
    logFormat: e.LOG_FORMAT,
  }
}
