/** The startup banner: version, URL, database location with its secrets masked, how to stop. */
import { resolve } from "node:path"
import type { Config } from "../config.ts"
import { localPath } from "../db.ts"

const SECRET_PARAM = /token|password|secret|key/i

/** A database URL safe to print: credentials and secret parameters masked, a file path made absolute. */
export function maskDatabaseUrl(url: string): string {
  const q = url.indexOf("?")
  const base = q === -1 ? url : url.slice(0, q)
  let query = ""
  if (q !== -1) {
    const params = new URLSearchParams(url.slice(q + 1))
    for (const name of [...params.keys()]) if (SECRET_PARAM.test(name)) params.set(name, "***")
    query = `?${params}`
  }
  if (base.startsWith("file:")) {
    const path = localPath(base)
    return `${path ? `file:${resolve(path)}` : base}${query}`
  }
  return `${base.replace(/\/\/[^@/]*@/, "//***@")}${query}`
}

/** The banner as structured fields and a one-line message, for the start log line. */
export function startupBanner(
  config: Pick<Config, "databaseUrl" | "databaseAuthToken" | "metricsToken">,
  server: { url: string; version: string },
) {
  const database = maskDatabaseUrl(config.databaseUrl)
  const fields = {
    event: "start",
    version: server.version,
    url: server.url,
    database,
    databaseAuthToken: config.databaseAuthToken ? "set" : undefined,
    metrics: config.metricsToken ? "/metrics (bearer token)" : "/metrics (loopback only)",
    pid: process.pid,
  }
  const message = `Causerie ${server.version} listening on ${server.url}, database ${database}; press Ctrl+C or send SIGTERM to stop`
  return { fields, message }
}
