/**
 * The command line: `causerie [serve]`, `migrate`, `user create`, `--help`, `--version`.
 * Every setting has a flag named after its environment variable (PORT -> --port); flags win.
 */
import { parseArgs } from "node:util"
import { type Config, ConfigError, loadConfig, SETTING_NAMES } from "../config.ts"
import { createLogger } from "../ops/logger.ts"
import { VERSION } from "../ops/version.ts"
import { createServer, type RunningServer } from "../server.ts"
import { startupBanner } from "./banner.ts"
import { migrateCommand, userCreateCommand } from "./commands.ts"
import type { CliIO } from "./io.ts"

/** A finished command's exit code, or a server that now runs until a signal stops it. */
export type CliResult = { exitCode: number } | { server: RunningServer; config: Config }

// Secrets never come from flags: the process list shows every argument to every user.
const SECRETS = new Set(["JWT_SECRET", "DATABASE_AUTH_TOKEN", "METRICS_TOKEN", "REDIS_URL"])
const ALIASES: Record<string, string> = { db: "DATABASE_URL" }

const flagOf = (setting: string) => setting.toLowerCase().replaceAll("_", "-")
const SETTING_FLAGS: Record<string, string> = Object.fromEntries([
  ...SETTING_NAMES.filter((s) => !SECRETS.has(s)).map((s) => [flagOf(s), s] as const),
  ...Object.entries(ALIASES),
])

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  email: { type: "string" },
  "password-stdin": { type: "boolean" },
  "display-name": { type: "string" },
  ...Object.fromEntries(Object.keys(SETTING_FLAGS).map((f) => [f, { type: "string" }])),
} as const

class UsageError extends Error {}

/** The settings given as flags, as environment variables; `--db` also takes a bare file path. */
export function flagsAsEnv(values: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [flag, setting] of Object.entries(SETTING_FLAGS)) {
    const value = values[flag]
    if (typeof value !== "string") continue
    env[setting] =
      setting === "DATABASE_URL" && !/^(file:|libsql:|https?:|wss?:)/.test(value) ? `file:${value}` : value
  }
  return env
}

/** Runs the command `argv` names against `env`; never exits the process itself. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIO,
): Promise<CliResult> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true })
    if (values.help || values.version) {
      io.out(values.help ? helpText() : `causerie ${VERSION}\n`)
      return done(0)
    }
    const command = positionals.join(" ") || "serve"
    const userOnly = ["email", "password-stdin", "display-name"].filter((f) => f in values)
    if (command !== "user create" && userOnly.length)
      throw new UsageError(`--${userOnly[0]} belongs to \`causerie user create\``)
    const config = loadConfig({ ...env, ...flagsAsEnv(values) })

    if (command === "serve") return { server: await serve(config, io), config }
    if (command === "migrate") return done(await migrateCommand(config, io))
    if (command === "user create") {
      if (!values.email || !values["password-stdin"])
        throw new UsageError("user create needs --email and --password-stdin (the password comes from stdin)")
      return done(await userCreateCommand(config, io, values.email, values["display-name"]))
    }
    throw new UsageError(`unknown command "${command}"`)
  } catch (err) {
    const parseError = err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")
    if (err instanceof UsageError || parseError) {
      io.err(`causerie: ${(err as Error).message}\nRun \`causerie --help\` for the commands and flags.\n`)
      return { exitCode: 2 }
    }
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`)
      return { exitCode: 2 }
    }
    throw err
  }
}

const done = (exitCode: number): CliResult => ({ exitCode })

async function serve(config: Config, io: CliIO): Promise<RunningServer> {
  const pretty = config.logFormat === "pretty" || (config.logFormat === "auto" && io.isTTY)
  const logger = createLogger(config.logLevel, { pretty })
  const server = await createServer(config, { logger })
  const { fields, message } = startupBanner(config, { url: server.url, version: VERSION })
  logger.info(fields, message)
  return server
}

const DESCRIPTIONS: Record<string, string> = {
  PORT: "port to listen on; 0 picks a free one (3001)",
  HOST: "address to listen on (0.0.0.0)",
  DATABASE_URL: "a file path, file:, libsql:// or http(s):// URL (file:./data/chat.db)",
  DATABASE_SYNCHRONOUS: "NORMAL or FULL (NORMAL)",
  DATA_DIR: "folder for the generated JWT secret (./data)",
  JWT_TTL: "token lifetime: 7d, 12h, 30m or seconds (7d)",
  CORS_ORIGINS: "comma-separated browser origins allowed, or * (none)",
  LOG_LEVEL: "fatal, error, warn, info, debug, trace or silent (info)",
  LOG_FORMAT: "auto (pretty on a terminal), json or pretty (auto)",
  MAX_HTTP_BUFFER_SIZE: "largest socket.io packet and HTTP request body, in bytes (65536)",
  MAX_CONNECTIONS_PER_USER: "live sockets per user (20)",
  PRESENCE_GRACE_MS: "how long a user stays online after their last device leaves (5000)",
  RATE_LIMIT_MESSAGES_PER_SECOND: "messages per user per second, 0 disables (20)",
  RATE_LIMIT_MESSAGES_BURST: "messages per user at once (40)",
  RATE_LIMIT_JOINS_PER_SECOND: "joins per user per second, 0 disables (10)",
  RATE_LIMIT_JOINS_BURST: "joins per user at once (30)",
  RATE_LIMIT_TYPING_PER_SECOND: "typing notices per user per second, 0 disables (2)",
  RATE_LIMIT_TYPING_BURST: "typing notices per user at once (6)",
  LOGIN_MAX_FAILURES: "failed logins per email from one address before 429, 0 disables (10)",
  LOGIN_FAILURE_WINDOW: "window of LOGIN_MAX_FAILURES (15m)",
  PASSWORD_HASH_MEMORY_KIB: "argon2id memory per hash, KiB (19456)",
  PASSWORD_HASH_TIME_COST: "argon2id passes (2)",
  NATIVE_BROADCAST: "room broadcasts through Bun's native publish (true)",
  MAX_PARTICIPANTS: "largest conversation (1000)",
  TRUST_PROXY: "true behind a reverse proxy: client address from X-Forwarded-For (false)",
  SHUTDOWN_TIMEOUT_MS: "longest graceful stop on SIGTERM/SIGINT (10000)",
  LOGIN_SLOWDOWN_AFTER: "failed logins per email, any address, before each attempt waits, 0 disables (5)",
  LOGIN_SLOWDOWN_MAX: "longest wait between login attempts for one email (1m)",
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: "registrations per client address per hour, 0 disables (20)",
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "conversations a user may create per minute, 0 disables (10)",
  RATE_LIMIT_CHANGES_PER_MINUTE: "renames and participant changes per user per minute, 0 disables (60)",
  MAX_PENDING_SESSIONS_PER_ADDRESS: "socket sessions per address still waiting to authenticate (50)",
  MAX_PENDING_SESSIONS: "socket sessions in all still waiting to authenticate (2000)",
  PENDING_SESSION_TIMEOUT_MS: "how long a socket session may wait to authenticate (5000)",
}

function helpText(): string {
  const flags = SETTING_NAMES.filter((s) => !SECRETS.has(s)).map((setting) => {
    const names = Object.keys(SETTING_FLAGS).filter((f) => SETTING_FLAGS[f] === setting)
    names.sort((a, b) => a.length - b.length)
    const left = `  ${names.map((f) => `--${f}`).join(", ")} <value>`
    const right = `${setting}${DESCRIPTIONS[setting] ? `: ${DESCRIPTIONS[setting]}` : ""}`
    return left.length > 40 ? `${left}\n${" ".repeat(42)}${right}` : `${left.padEnd(42)}${right}`
  })
  return `Causerie ${VERSION}: a self-hosted real-time chat server.

Usage:
  causerie [serve] [flags]   run the server; stop it with Ctrl+C or SIGTERM
  causerie migrate [flags]   apply pending database migrations, then exit
  causerie user create --email <email> --password-stdin [--display-name <name>] [flags]
                             create an account, the password read from stdin; prints its id
  causerie --help | --version

Flags: each sets the environment variable beside it, and wins over it.
Secrets come from the environment only: JWT_SECRET, DATABASE_AUTH_TOKEN, METRICS_TOKEN, REDIS_URL.
${flags.join("\n")}
`
}
