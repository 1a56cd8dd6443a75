/** The startup banner: version, URLs, database location with its secrets masked, how to stop. */
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os"
import { resolve } from "node:path"
import type { Config } from "../config.ts"
import { localPath } from "../dbPath.ts"

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

/**
 * The URLs a teammate on the same network can use: one per non-internal IPv4 address of this
 * machine, when the server listens on every interface (otherwise only its own address reaches it).
 */
export function networkUrls(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  if (host !== "0.0.0.0") return []
  return Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => a.family === "IPv4" && !a.internal)
    .map((a) => `http://${a.address}:${port}`)
}

/** The banner as structured fields and a one-line message, for the start log line. */
export function startupBanner(
  config: Pick<Config, "databaseUrl" | "databaseAuthToken" | "metricsToken">,
  server: { url: string; version: string; network?: string[] },
) {
  const database = maskDatabaseUrl(config.databaseUrl)
  const network = server.network ?? []
  const fields = {
    event: "start",
    version: server.version,
    url: server.url,
    network,
    database,
    databaseAuthToken: config.databaseAuthToken ? "set" : undefined,
    metrics: config.metricsToken ? "/metrics (bearer token)" : "/metrics (loopback only)",
    pid: process.pid,
  }
  const where = network.length ? `${server.url} (from your network: ${network.join(", ")})` : server.url
  const message = `Causerie ${server.version} listening on ${where}, database ${database}; press Ctrl+C or send SIGTERM to stop`
  return { fields, message }
}
