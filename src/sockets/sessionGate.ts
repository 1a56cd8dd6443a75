/**
 * The gate in front of Engine.IO handshakes. Every handshake creates a session (about 6 KB) before
 * Socket.IO sees a token, so an anonymous flood could hold memory until the sessions time out. Here a
 * handshake that carries a token (the `token` query parameter or cookie) is authenticated before its
 * session exists and passes freely; any other is "pending" until the socket authenticates, and
 * pending sessions are capped per address and in total. Socket.IO's `connectTimeout` closes those that
 * never authenticate (PENDING_SESSION_TIMEOUT_MS).
 */
import type { Server as Engine } from "@socket.io/bun-engine"
import type { Server } from "bun"
import { parse } from "hono/utils/cookie"
import type { Config } from "../config.ts"
import type { ChatServer } from "../contract.ts"
import type { Sessions } from "../services/auth/sessions.ts"

export interface SessionGateDeps {
  engine: Engine
  io: ChatServer
  sessions: Pick<Sessions, "fromToken">
  limits: Config["pendingSessions"]
  trustProxy: boolean
}

type Release = () => void

type Listener = (...args: unknown[]) => void
/** What the gate uses of an Engine.IO session (@socket.io/bun-engine's Socket). */
interface EngineSession {
  id: string
  remoteAddress?: string
  on(event: "close", listener: Listener): void
  once(event: "close", listener: Listener): void
  off(event: "close", listener: Listener): void
  listeners(event: "close"): (Listener & { fn?: Listener })[]
}

/** Counts pending sessions per address; `reserve` is synchronous, so concurrent handshakes cannot overshoot. */
export function createPendingCount({ perAddress, total }: { perAddress: number; total: number }) {
  const byAddress = new Map<string, number>()
  let count = 0
  return {
    get size() {
      return count
    },
    /** A slot for `address`, released once by the returned function; undefined when full. */
    reserve(address: string): Release | undefined {
      const mine = byAddress.get(address) ?? 0
      if (mine >= perAddress || count >= total) return undefined
      byAddress.set(address, mine + 1)
      count++
      let released = false
      return () => {
        if (released) return
        released = true
        count--
        const left = (byAddress.get(address) ?? 1) - 1
        if (left > 0) byAddress.set(address, left)
        else byAddress.delete(address)
      }
    },
  }
}

/** Builds the handler for /socket.io/ requests; `pending` is exposed for metrics and tests. */
export function createSessionGate({ engine, io, sessions, limits, trustProxy }: SessionGateDeps) {
  const pending = createPendingCount(limits)
  // The request that starts a session is the one the engine's "connection" event carries.
  const reserved = new WeakMap<Request, Release>()
  const bySession = new WeakMap<object, Release>()

  // The engine does not tell Socket.IO the peer's address: kept from the handshake request, it
  // becomes `socket.handshake.address` (the audit log records it).
  const peers = new WeakMap<Request, string>()
  engine.on("connection", (session, req: Request) => {
    const conn = session as unknown as EngineSession
    conn.remoteAddress ??= peers.get(req)
    forgetHandshakeRequest(engine, conn)
    const release = reserved.get(req)
    if (!release) return
    reserved.delete(req)
    bySession.set(conn, release)
    conn.once("close", release)
  })
  // Authenticated: no longer pending, and nothing to do at its close.
  io.on("connection", (socket) => {
    const conn = socket.conn as unknown as EngineSession
    const release = bySession.get(conn)
    if (!release) return
    bySession.delete(conn)
    conn.off("close", release)
    release()
  })

  async function handshakeIsAuthenticated(req: Request, url: URL): Promise<boolean> {
    const cookie = req.headers.get("cookie")
    const token = url.searchParams.get("token") || (cookie ? parse(cookie, "token").token : undefined)
    if (!token) return false
    try {
      await sessions.fromToken(token)
      return true
    } catch {
      // Refused at connect with the reason (expired, revoked, ...); meanwhile it counts as pending.
      return false
    }
  }

  return {
    pending,
    async handle(req: Request, srv: Server<unknown>, url: URL): Promise<Response> {
      if (!url.searchParams.has("sid")) peers.set(req, peerAddress(req, srv, trustProxy))
      if (url.searchParams.has("sid") || (await handshakeIsAuthenticated(req, url))) {
        return engine.handleRequest(req, srv)
      }
      const address = peerAddress(req, srv, trustProxy)
      const release = pending.reserve(address)
      if (!release) {
        return Response.json(
          {
            error: {
              code: "RATE_LIMITED",
              message: "Too many connections waiting to authenticate; retry shortly",
              retryAfterMs: limits.timeoutMs,
            },
          },
          { status: 429, headers: { "retry-after": String(Math.ceil(limits.timeoutMs / 1000)) } },
        )
      }
      reserved.set(req, release)
      try {
        return await engine.handleRequest(req, srv)
      } finally {
        // No session was made (a refused or malformed handshake): the slot is free again.
        if (reserved.has(req)) {
          reserved.delete(req)
          release()
        }
      }
    },
  }
}

/** The peer address, or the first X-Forwarded-For hop behind a trusted proxy. */
function peerAddress(req: Request, srv: Server<unknown>, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() : undefined
  return forwarded || srv.requestIP(req)?.address || "unknown"
}

/**
 * @socket.io/bun-engine (0.1.2) takes a closed session out of its table with a "close" listener made
 * inside its handshake, whose scope keeps the handshake's Request, URL and response headers for as
 * long as the socket lives. The same work from a listener that holds only the id; if the engine
 * changes and the listener is not found, nothing is touched (test/socket-footprint.test.ts).
 */
function forgetHandshakeRequest(engine: Engine, conn: EngineSession): void {
  const clients = (engine as unknown as { clients?: unknown }).clients
  if (!(clients instanceof Map) || clients.get(conn.id) !== conn) return
  const theirs = conn.listeners("close").find((l) => String(l.fn ?? l).includes("clients.delete("))
  if (!theirs) return
  conn.off("close", theirs)
  const id = conn.id
  conn.on("close", () => {
    if (clients.get(id) === conn) clients.delete(id)
  })
}
