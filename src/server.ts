/** createServer: opens the database, builds the app and sockets, and serves both on one port. */
import { Server as Engine } from "@socket.io/bun-engine"
import { Server as SocketIOServer } from "socket.io"
import { createApp } from "./app.ts"
import { resolveJwtSecret } from "./auth/secret.ts"
import type { Config } from "./config.ts"
import { openDatabase } from "./db.ts"
import { createLogger, type Logger } from "./logger.ts"
import { createServices, type Services } from "./services/index.ts"
import { attachSockets } from "./sockets/index.ts"
import type { ChatServer } from "./sockets/types.ts"

export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  port: number
  url: string
  io: ChatServer
  services: Services
  logger: Logger
  /** Stops accepting, disconnects sockets, commits pending messages and closes the database. */
  stop(): Promise<void>
}

export interface ServerOptions {
  logger?: Logger
}

/** Starts a Causerie server with `config`; `config.port` 0 picks a free port. */
export async function createServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel)
  const { secret } = resolveJwtSecret(config.jwtSecret, config.dataDir)
  const database = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    synchronous: config.databaseSynchronous,
  })
  const services = createServices({ db: database.db, jwtSecret: secret, config })
  const ready = async () => {
    try {
      await database.client.execute("SELECT 1")
      return true
    } catch {
      return false
    }
  }
  const app = createApp({ services, config, logger, ready })

  const io: ChatServer = new SocketIOServer({
    cors: config.corsOrigins.length ? { origin: config.corsOrigins, credentials: true } : undefined,
  })
  const engine = new Engine({ path: "/socket.io/", maxHttpBufferSize: config.maxHttpBufferSize })
  io.bind(engine)
  const detach = attachSockets(io, services, logger, config)

  const { websocket, idleTimeout } = engine.handler()
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    idleTimeout,
    websocket,
    // The engine answers 404 outside its own path, so route by path here.
    fetch(req, srv) {
      const { pathname } = new URL(req.url)
      if (pathname.startsWith("/socket.io/")) return engine.handleRequest(req, srv)
      return app.fetch(req, srv)
    },
  })

  const port = server.port ?? config.port
  let stopping: Promise<void> | undefined
  return {
    port,
    url: `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`,
    io,
    services,
    logger,
    stop() {
      stopping ??= (async () => {
        await services.messages.flush()
        detach()
        io.disconnectSockets(true)
        await server.stop(true)
        database.close()
      })()
      return stopping
    },
  }
}
