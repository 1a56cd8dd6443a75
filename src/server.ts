/** createServer: opens the database, builds the app and sockets, and serves both on one port. */
import { dirname } from "node:path"
import { Server as Engine } from "@socket.io/bun-engine"
import type { Server } from "bun"
import { Server as SocketIOServer } from "socket.io"
import type { Config } from "./config.ts"
import type { ChatServer } from "./contract.ts"
import { type Database, localPath, openDatabase, WAL_AUTOCHECKPOINT_ALONE_PAGES } from "./db.ts"
import { createApp } from "./http/app.ts"
import { timeDatabase } from "./ops/dbTiming.ts"
import { type Listener, listen, PING_INTERVAL_MS } from "./ops/listener.ts"
import { createLogger, droppedLines, type Logger } from "./ops/logger.ts"
import { type LoopStalls, monitorLoopStalls } from "./ops/loopStall.ts"
import { createMemoryRelief } from "./ops/memoryRelief.ts"
import { createMetrics, type Metrics, metricsEndpoint } from "./ops/metrics.ts"
import { createDrain, gracefulStop, RECONNECT_AFTER_MS, within } from "./ops/shutdown.ts"
import { createStorageHealth, freeBytesAt } from "./ops/storageHealth.ts"
import { VERSION } from "./ops/version.ts"
import { type Checkpointer, startCheckpointer } from "./ops/walCheckpoint.ts"
import { resolveJwtSecret } from "./services/auth/secret.ts"
import { createServices, type Services } from "./services/index.ts"
import { createStoredRange } from "./services/storedRange.ts"
import { relayAcrossNodes } from "./sockets/acrossNodes.ts"
import { clusterAdapter } from "./sockets/clusterAdapter.ts"
import { attachSockets } from "./sockets/index.ts"
import { liveCounts } from "./sockets/rooms.ts"
import { createSessionGate } from "./sockets/sessionGate.ts"
import { topicAdapter } from "./sockets/topicAdapter.ts"
import { createRedisBuckets } from "./stores/redis/buckets.ts"
import { connectRedis } from "./stores/redis/connection.ts"
import { createRedisLoginThrottle } from "./stores/redis/loginThrottle.ts"
import { createRedisPresence } from "./stores/redis/presence.ts"
import { createRedisTypingMarks } from "./stores/redis/typing.ts"
import { createUploadStorage } from "./stores/uploads/storage.ts"
import { appRoutes, serveAsset } from "./web/appRoutes.ts"
import docsPage from "./web/docs/index.html"

export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  port: number
  url: string
  io: ChatServer
  /** The Hono application: its routes are what the OpenAPI document lists. */
  app: ReturnType<typeof createApp>
  services: Services
  logger: Logger
  metrics: Metrics
  database: Database
  /** The WAL checkpointer thread of a local database file. */
  checkpoint: Checkpointer | undefined
  /**
   * Stops gracefully within `shutdownTimeoutMs`: refuses new work, answers what is in flight,
   * commits accepted messages, sends `server_shutdown`, disconnects, closes the database.
   * Resolves true if all of it finished in time.
   */
  stop(): Promise<boolean>
}

export interface ServerOptions {
  logger?: Logger
  /** The port, bound already (cli/run.ts binds it before loading this module); bound here otherwise. */
  listener?: Listener
}

/** How long another node's membership may be trusted from the cache, should an invalidation be lost. */
const CLUSTER_MEMBERSHIP_TTL_MS = 5000
/** How often uploads that no message carries are looked for (they go a day after their upload). */
const UPLOAD_SWEEP_EVERY_MS = 60 * 60 * 1000

/** Starts a Causerie server with `config`; `config.port` 0 picks a free port. */
export async function createServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  // Bound first: /healthz answers while the rest starts (ops/listener.ts).
  const listener = options.listener ?? listen(config)
  try {
    return await build(config, options, listener)
  } catch (err) {
    listener.stop()
    throw err
  }
}

async function build(config: Config, options: ServerOptions, listener: Listener): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel)
  const { secret } = resolveJwtSecret(config.jwtSecret, config.dataDir)
  const database = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    synchronous: config.databaseSynchronous,
  })
  // A turn for /healthz between opening (and migrating) the database and building the rest.
  await new Promise<void>((resolve) => setImmediate(resolve))
  // Several nodes share Redis: broadcasts, rate limits and membership changes go through it.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined
  const services = createServices({
    db: database.db,
    jwtSecret: secret,
    config,
    uploadStorage: createUploadStorage(config.uploads.storage, config.dataDir),
    // A failed run is tried again after the next commit or search; the log says why it failed.
    onBackgroundError: (what, err) => logger.error({ event: what, err }, `${what} failed`),
    shared: redis && {
      buckets: createRedisBuckets(redis.client),
      loginThrottle: (options) => createRedisLoginThrottle(redis.client, options),
      membershipTtlMs: CLUSTER_MEMBERSHIP_TTL_MS,
      presence: createRedisPresence(redis.client, {
        graceMs: config.presenceGraceMs,
        nodeTimeoutMs: config.nodeTimeoutMs,
      }),
      typingMarks: createRedisTypingMarks(redis.client),
    },
  })
  await services.people.directory.backfill()
  const uploadSweep = setInterval(() => {
    services.uploads
      .sweep()
      .catch((err) => logger.warn({ err, event: "upload_sweep" }, "could not remove unattached uploads"))
  }, UPLOAD_SWEEP_EVERY_MS)
  uploadSweep.unref()
  const drain = createDrain()
  const dbFile = config.databaseUrl.startsWith("file:") ? localPath(config.databaseUrl) : undefined
  const storage = createStorageHealth(
    database.client,
    logger,
    dbFile === undefined ? undefined : () => freeBytesAt(dirname(dbFile)),
  )
  // Not ready while stopping, so that a load balancer sends new clients elsewhere.
  const ready = async () => {
    if (drain.draining) return false
    let answered = false
    const query = database.client.execute("SELECT 1").then(() => {
      answered = true
    })
    return (
      (await within(query, 2000)) && answered && (await storage.ready()) && (!redis || (await redis.ready()))
    )
  }
  const app = createApp({ services, config, logger, ready })

  // Known once Bun listens; until then (and with NATIVE_BROADCAST=false) rooms broadcast the usual way.
  let bunServer: Server<unknown> | undefined
  // The metrics read the adapter's rooms, so they come after it; its lag reaches them from then on.
  let observeLag: (seconds: number) => void = () => {}
  const io: ChatServer = new SocketIOServer({
    ...(redis
      ? {
          adapter: clusterAdapter(redis.client, () => (config.nativeBroadcast ? bunServer : undefined), {
            onLag: (seconds) => observeLag(seconds),
            // Gaps are filled once sockets have joined, long after the metrics exist.
            order: { ...createStoredRange(database.db), onFill: (events) => metrics.gapFilled(events) },
          }) as never,
        }
      : config.nativeBroadcast
        ? { adapter: topicAdapter(() => bunServer) }
        : {}),
    // A session that has not authenticated by then is closed (sockets/sessionGate.ts).
    connectTimeout: config.pendingSessions.timeoutMs,
  })
  // CORS for the handshake belongs to the engine: Socket.IO's own option is ignored once bound to it.
  const engine = new Engine({
    path: "/socket.io/",
    pingInterval: PING_INTERVAL_MS,
    maxHttpBufferSize: config.maxHttpBufferSize,
    cors: config.corsOrigins.length
      ? { origin: config.corsOrigins.includes("*") ? true : config.corsOrigins, credentials: true }
      : undefined,
  })
  io.bind(engine)
  // What other nodes must hear at once: membership changes, new names, logouts.
  const stopRelay = redis ? relayAcrossNodes(io, services) : () => {}
  // Every Engine.IO session that ends, authenticated or not, counts towards a collection after a storm.
  const relief = createMemoryRelief()
  engine.on("connection", (conn: { once(event: "close", listener: () => void): void }) =>
    conn.once("close", () => relief.socketClosed()),
  )
  const gate = createSessionGate({
    engine,
    io,
    sessions: services.sessions,
    limits: config.pendingSessions,
    trustProxy: config.trustProxy,
  })
  let stalls: LoopStalls | undefined
  const metrics = createMetrics({
    version: VERSION,
    live: liveCounts(io),
    bus: services.bus,
    droppedLogLines: () => droppedLines(logger),
    maxLoopStall: () => stalls?.takeMax() ?? 0,
  })
  stalls = monitorLoopStalls(metrics.loopStall)
  observeLag = metrics.clusterLag
  // A local file is checkpointed by a thread of its own, rather than inside a busy commit.
  const checkpoint =
    dbFile !== undefined
      ? startCheckpointer(config.databaseUrl, {
          observe: (seconds, { log }) => metrics.walCheckpoint(seconds, log),
          onError: (message) => logger.warn({ event: "wal_checkpoint_failed" }, message),
          onDown: () => {
            logger.warn({ event: "wal_checkpoint_failed" }, "WAL checkpoints are back inside commits")
            void database.client
              .execute(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_ALONE_PAGES}`)
              .catch(() => {})
          },
        })
      : undefined
  timeDatabase(database.client, metrics, (err) => {
    storage.observeWrite(err)
    if (err === undefined) checkpoint?.wrote()
  })
  const serveMetrics = metricsEndpoint(metrics, config.metricsToken)
  const detach = attachSockets(io, services, logger, config, { metrics, drain })

  const server = listener.server
  listener.attach({
    // The API documents' page: Bun bundles it (and `bun build --compile` embeds it), so it needs no network.
    // The web client's page at each of its routes (src/web/appRoutes.ts).
    routes: { "/docs": docsPage, ...appRoutes },
    websocket: engine.handler().websocket,
    // The engine answers 404 outside its own path, so route by path here.
    fetch(req, srv) {
      const url = new URL(req.url)
      const engineRequest = url.pathname.startsWith("/socket.io/")
      // While stopping nothing new starts; open socket.io sessions (with a sid) run until disconnected.
      if (drain.draining && !(engineRequest && url.searchParams.has("sid"))) return unavailable()
      if (engineRequest) return gate.handle(req, srv, url)
      if (url.pathname === "/metrics" && req.method === "GET")
        return serveMetrics(req, srv.requestIP(req)?.address)
      // The web client's hashed files; anything else goes on to the API (its 404 included).
      return serveAsset(req, url.pathname).then((asset) => asset ?? answer(req, srv))
    },
  })

  /** The Hono app's answer, counted as work in flight for the stop and in the metrics. */
  async function answer(req: Request, srv: Server<unknown>): Promise<Response> {
    const done = drain.begin()
    try {
      const res = await app.fetch(req, srv)
      metrics.httpRequest(req.method, res.status)
      return res
    } finally {
      done()
    }
  }

  bunServer = server
  const port = server.port ?? config.port
  let stopping: Promise<boolean> | undefined
  return {
    port,
    url: `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`,
    io,
    app,
    services,
    logger,
    metrics,
    database,
    checkpoint,
    stop() {
      relief.stop()
      clearInterval(uploadSweep)
      stalls?.stop()
      stopping ??= gracefulStop({
        server,
        io,
        drain,
        flush: () => services.messages.flush(),
        detach: async () => {
          detach()
          // Before the server's own connection closes: the last one to close checkpoints the log.
          await checkpoint?.stop()
          stopRelay()
          // The cluster adapter stops reading the stream; then the connection itself goes.
          if (redis) {
            void io.of("/").adapter.close()
            void redis.close()
          }
          await services.close()
        },
        database,
        logger,
        timeoutMs: config.shutdownTimeoutMs,
      })
      return stopping
    },
  }
}

const unavailable = () =>
  Response.json(
    {
      error: {
        code: "UNAVAILABLE",
        message: "The server is shutting down",
        retryAfterMs: RECONNECT_AFTER_MS,
      },
    },
    { status: 503, headers: { connection: "close", "retry-after": "1" } },
  )
