/** Why a command could not run, in one line a new user can act on, instead of a stack trace. */
import type { Config } from "../config.ts"

/** The line to print when `command` ("serve", "migrate", ...) failed with `err`. */
export function failureLine(err: unknown, config: Pick<Config, "port" | "host">, command: string): string {
  const code = typeof err === "object" && err !== null && "code" in err ? err.code : undefined
  if (code === "EADDRINUSE") return `port ${config.port} is in use; set PORT`
  if (code === "EADDRNOTAVAIL") return `HOST ${config.host} is not an address of this machine; set HOST`
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0]
  return `causerie: ${command === "serve" ? "could not start" : `${command} failed`}: ${message}`
}
