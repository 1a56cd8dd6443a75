/**
 * The command line: `causerie [serve]`, `migrate`, `user create`, `audit export`, `--help`, `--version`.
 * Every setting has a flag named after its environment variable (PORT -> --port); flags win.
 */
import { parseArgs } from "node:util"
import type { Declaration } from "../config/settings.ts"
import { type Config, ConfigError, loadConfig, SETTING_NAMES, SETTINGS } from "../config.ts"
import { listen } from "../ops/listener.ts"
import type { Logger } from "../ops/logger.ts"
import { VERSION } from "../ops/version.ts"
import type { RunningServer } from "../server.ts"
import { networkUrls, startupBanner } from "./banner.ts"
import { failureLine } from "./failure.ts"
import type { CliIO } from "./io.ts"

/** A finished command's exit code, or a server that now runs until a signal stops it. */
export type CliResult = { exitCode: number } | { server: RunningServer; config: Config }

// Secrets never come from flags: the process list shows every argument to every user.
const FLAG_SETTINGS = SETTING_NAMES.filter((s) => !("secret" in SETTINGS[s]))
const SECRETS = SETTING_NAMES.filter((s) => "secret" in SETTINGS[s])
const ALIASES: Record<string, string> = { db: "DATABASE_URL" }

const flagOf = (setting: string) => setting.toLowerCase().replaceAll("_", "-")
const SETTING_FLAGS: Record<string, string> = Object.fromEntries([
  ...FLAG_SETTINGS.map((s) => [flagOf(s), s] as const),
  ...Object.entries(ALIASES),
])

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  email: { type: "string" },
  "password-stdin": { type: "boolean" },
  "display-name": { type: "string" },
  admin: { type: "boolean" },
  after: { type: "string" },
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
    const userOnly = ["email", "password-stdin", "display-name", "admin"].filter((f) => f in values)
    if (command !== "user create" && userOnly.length)
      throw new UsageError(`--${userOnly[0]} belongs to \`causerie user create\``)
    if (command !== "audit export" && "after" in values)
      throw new UsageError("--after belongs to `causerie audit export`")
    if (!["serve", "migrate", "user create", "audit export"].includes(command))
      throw new UsageError(`unknown command "${command}"`)
    if (command === "user create" && (!values.email || !values["password-stdin"]))
      throw new UsageError("user create needs --email and --password-stdin (the password comes from stdin)")
    const after = values.after ?? "0"
    if (!/^\d{1,15}$/.test(after)) throw new UsageError("--after takes a record id")
    const config = loadConfig({ ...env, ...flagsAsEnv(values) })
    try {
      if (command === "serve") return { server: await serve(config, io), config }
      // Loaded on demand, as the server is: what one command needs is not loaded for another.
      const { auditExportCommand, migrateCommand, userCreateCommand } = await import("./commands.ts")
      if (command === "migrate") return done(await migrateCommand(config, io))
      if (command === "audit export") return done(await auditExportCommand(config, io, Number(after)))
      const options = { email: values.email!, displayName: values["display-name"], admin: values.admin }
      return done(await userCreateCommand(config, io, options))
    } catch (err) {
      // A port in use or an unreadable database is the user's to fix: one line, not a stack trace,
      // unless they asked for details.
      io.err(`${failureLine(err, config, command)}\n`)
      if (config.logLevel === "debug" || config.logLevel === "trace") io.err(`${(err as Error)?.stack}\n`)
      return done(1)
    }
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
  // The port first, then the server's modules: /healthz answers while they load and the server starts.
  // Each load below runs in one go, so a turn of the event loop between them lets a probe through.
  const listener = listen(config)
  const load = async <T>(step: () => Promise<T>): Promise<T> => {
    await new Promise<void>((resolve) => setImmediate(resolve))
    return step()
  }
  let server: RunningServer
  let logger: Logger
  try {
    const { createLogger } = await load(() => import("../ops/logger.ts"))
    await load(() => import("../db.ts"))
    const { createServer } = await load(() => import("../server.ts"))
    logger = createLogger(config.logLevel, { pretty })
    server = await load(() => createServer(config, { logger, listener }))
  } catch (err) {
    listener.stop()
    throw err
  }
  const { fields, message } = startupBanner(config, {
    url: server.url,
    version: VERSION,
    network: networkUrls(config.host, server.port),
  })
  logger.info(fields, message)
  return server
}

/** The `--help` text; each flag line comes from its setting's declaration. */
function helpText(): string {
  const pad = " ".repeat(42)
  const flags = FLAG_SETTINGS.map((setting) => {
    const names = Object.keys(SETTING_FLAGS).filter((f) => SETTING_FLAGS[f] === setting)
    names.sort((a, b) => a.length - b.length)
    const left = `  ${names.map((f) => `--${f}`).join(", ")} <value>`
    const { description, shownDefault, default: value } = SETTINGS[setting] as Declaration
    const shown = shownDefault ?? value
    const right = `${setting}${shown ? `, default ${shown}` : ""}\n${pad}${description.replaceAll("`", "")}`
    return left.length > 40 ? `${left}\n${pad}${right}` : `${left.padEnd(42)}${right}`
  })
  return `Causerie ${VERSION}: a self-hosted real-time chat server.

Usage:
  causerie [serve] [flags]   run the server; stop it with Ctrl+C or SIGTERM
  causerie migrate [flags]   apply pending database migrations, then exit
  causerie user create --email <email> --password-stdin [--display-name <name>] [--admin] [flags]
                             create an account, the password read from stdin; prints its id;
                             --admin makes it a server admin (the first account ever is one anyway)
  causerie audit export [--after <id>] [flags]
                             print the audit log as JSON lines, oldest first (after record <id>)
  causerie --help | --version

Flags: each sets the environment variable beside it, and wins over it.
Secrets come from the environment only: ${SECRETS.join(", ")}.
${flags.join("\n")}
`
}
