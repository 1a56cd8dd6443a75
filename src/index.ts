/** Process entry: load the configuration, start the server, stop it on a signal. */
import { ConfigError, loadConfig } from "./config.ts"
import { createServer } from "./server.ts"

async function main() {
  const config = loadConfig(process.env)
  const server = await createServer(config)
  server.logger.info(
    { event: "start", url: server.url, database: config.databaseUrl.replace(/\/\/[^@/]*@/, "//***@") },
    `Causerie listening on ${server.url} (Ctrl+C to stop)`,
  )
  const shutdown = async (signal: string) => {
    server.logger.info({ event: "shutdown", signal }, "stopping")
    await server.stop()
    process.exit(0)
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"))
  process.on("SIGINT", () => void shutdown("SIGINT"))
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message)
  else console.error(err)
  process.exit(1)
})
