/**
 * The port, bound before anything slow. A process supervisor or load balancer probes `/healthz` from
 * the moment the process starts; loading the server's modules, opening and migrating the database and
 * reaching Redis take longer than its patience should have to be. So the port is bound first with a
 * small handler (alive, not ready, everything else refused with UNAVAILABLE), and the server swaps in
 * its own handlers once it is built (`attach`, through Bun's `reload`, on the same socket).
 */
import type { Server, WebSocketHandler } from "bun"
import type { Config } from "../config.ts"

/** Socket.IO's ping interval; the engine is given it, and Bun's idle timeout follows from it. */
export const PING_INTERVAL_MS = 25_000
/** The retry a client is told while the server starts or stops. */
const RETRY_AFTER_MS = 1000

export interface Handlers {
  fetch(req: Request, server: Server<unknown>): Response | Promise<Response> | undefined
  websocket: WebSocketHandler<unknown>
  routes?: Record<string, unknown>
}

export interface Listener {
  server: Server<unknown>
  /** Hands every request and WebSocket from now on to `handlers`. */
  attach(handlers: Handlers): void
  stop(): void
}

/** Binds `port` on `host` at once; until `attach`, only `/healthz` answers 200. */
export function listen({
  port,
  host,
  maxHttpBufferSize,
  uploads,
}: Pick<Config, "port" | "host" | "maxHttpBufferSize" | "uploads">): Listener {
  const server = Bun.serve({
    port,
    hostname: host,
    // Engine.IO's own advice: twice the ping interval.
    idleTimeout: Math.ceil((2 * PING_INTERVAL_MS) / 1000),
    // Production bundling of HTML routes (no hot reload, no dev overlay), from source as from the executable.
    development: false,
    // Huge bodies are cut before they are buffered; up to this size the engine and the API answer an
    // oversized one with their own error (the API: PAYLOAD_TOO_LARGE). Uploads stream past
    // MAX_HTTP_BUFFER_SIZE up to their own limit, counted as they come (stores/uploads/receive.ts).
    maxRequestBodySize: Math.max(1024 * 1024, 4 * maxHttpBufferSize, uploads.maxBytes + 64 * 1024),
    // A client that stops reading would otherwise lose frames silently once its buffer is full;
    // closed, it reconnects and pages the history for what it missed.
    websocket: { message() {}, closeOnBackpressureLimit: true },
    fetch: starting,
  })
  return {
    server,
    attach({ fetch, websocket, routes }) {
      server.reload({ fetch, websocket: { ...websocket, closeOnBackpressureLimit: true }, routes } as never)
    },
    stop() {
      void server.stop(true)
    },
  }
}

/** While starting: alive, not ready, and nothing else yet. */
function starting(req: Request): Response {
  const { pathname } = new URL(req.url)
  if (pathname === "/healthz") return Response.json({ ok: true })
  if (pathname === "/readyz") return Response.json({ ok: false }, { status: 503 })
  return Response.json(
    {
      error: { code: "UNAVAILABLE", message: "The server is starting", retryAfterMs: RETRY_AFTER_MS },
    },
    { status: 503, headers: { "retry-after": "1" } },
  )
}
