/**
 * Prometheus metrics of one server, in a registry of its own so several servers in one process
 * (tests) never share or clash over counters.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"
import { codeOfStatus } from "../errors.ts"
import type { EventBus } from "../events.ts"

/** Sub-millisecond to seconds: chat events are mostly a few milliseconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** What the gauges read when scraped; the socket layer answers (metrics sit below it). */
export interface LiveCounts {
  sockets(): number
  /** Conversation rooms that at least one socket has joined. */
  conversationRooms(): number
  /** Sockets in conversation rooms, summed over the rooms. */
  roomMemberships(): number
}

export interface MetricsDeps {
  version: string
  live: LiveCounts
  bus: EventBus
  /** Log lines dropped because they could not be written. */
  droppedLogLines?: () => number
  /** The longest event-loop stall since the last scrape, in seconds (ops/loopStall.ts). */
  maxLoopStall?: () => number
}

/** Stalls worth counting: a turn of the loop that held every socket this long. */
const STALL_BUCKETS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/**
 * A label child looked up once: prom-client hashes the labels on every `labels()` call, a cost paid
 * on every socket event and database call. Only for labels from a closed set (event names, codes).
 */
function childOf<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let child = cache.get(key)
  if (child === undefined) {
    child = make()
    cache.set(key, child)
  }
  return child
}

/** Builds the registry and every Causerie metric; gauges read `live` when scraped. */
export function createMetrics({
  version,
  live,
  bus,
  droppedLogLines = () => 0,
  maxLoopStall = () => 0,
}: MetricsDeps) {
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry })
  // Per V8 heap space: under Bun every scrape of these walks the whole heap (v8.getHeapSpaceStatistics,
  // about 40 ms with a thousand sockets, 300 ms with millions of objects), a stall of every socket.
  for (const kind of ["total", "used", "available"])
    registry.removeSingleMetric(`nodejs_heap_space_size_${kind}_bytes`)

  new Gauge({
    name: "causerie_build_info",
    help: "Always 1; the version",
    labelNames: ["version"],
    registers,
  })
    .labels(version)
    .set(1)
  const socketEvents = new Counter({
    name: "causerie_socket_events_total",
    help: "Socket events handled, by event name and outcome (ok or an error code)",
    labelNames: ["event", "outcome"] as const,
    registers,
  })
  const eventDuration = new Histogram({
    name: "causerie_socket_event_duration_seconds",
    help: "Time from receiving a socket event to acknowledging it",
    labelNames: ["event"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const errors = new Counter({
    name: "causerie_errors_total",
    help: "Errors answered to clients, by code and source (http or socket)",
    labelNames: ["code", "source"] as const,
    registers,
  })
  const httpRequests = new Counter({
    name: "causerie_http_requests_total",
    help: "HTTP requests answered (socket.io transport requests excluded), by method and status",
    labelNames: ["method", "status"] as const,
    registers,
  })
  const dbDuration = new Histogram({
    name: "causerie_db_query_duration_seconds",
    help: "Database calls: execute (one statement), batch (one transaction)",
    labelNames: ["operation", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const messagesStored = new Counter({
    name: "causerie_messages_stored_total",
    help: "Messages committed to the database",
    registers,
  })
  bus.on("message_created", () => messagesStored.inc())
  const gapFills = new Counter({
    name: "causerie_cluster_gap_fills_total",
    help: "Several nodes: gaps in a conversation's seq that did not arrive through Redis in time and were read from the database",
    registers,
  })
  const gapEvents = new Counter({
    name: "causerie_cluster_gap_events_total",
    help: "Several nodes: events read from the database to fill those gaps",
    registers,
  })
  const clusterLag = new Histogram({
    name: "causerie_cluster_lag_seconds",
    help: "Several nodes: from another node's XADD of a broadcast (Redis's clock, 1 ms steps) to its delivery here",
    buckets: LATENCY_BUCKETS,
    registers,
  })

  const loopStalls = new Histogram({
    name: "causerie_event_loop_stall_seconds",
    help: "How late a 10 ms timer fired: how long a turn of the event loop held every socket",
    buckets: STALL_BUCKETS,
    registers,
  })
  new Gauge({
    name: "causerie_event_loop_max_stall_seconds",
    help: "The longest event-loop stall since the previous scrape",
    registers,
    collect() {
      this.set(maxLoopStall())
    },
  })

  const walCheckpoints = new Histogram({
    name: "causerie_wal_checkpoint_seconds",
    help: "Checkpoints of the SQLite write-ahead log, run off the event loop: how long each took",
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const walFrames = new Gauge({
    name: "causerie_wal_frames",
    help: "Frames (4 KiB pages) in the SQLite write-ahead log at the last checkpoint",
    registers,
  })

  new Counter({
    name: "causerie_log_lines_dropped_total",
    help: "Log lines that could not be written (a full disk, a closed pipe) and were dropped",
    registers,
    collect() {
      this.reset()
      this.inc(droppedLogLines())
    },
  })
  new Gauge({
    name: "causerie_connected_sockets",
    help: "Sockets connected now",
    registers,
    collect() {
      this.set(live.sockets())
    },
  })
  new Gauge({
    name: "causerie_joined_rooms",
    help: "Conversation rooms that at least one socket has joined",
    registers,
    collect() {
      this.set(live.conversationRooms())
    },
  })
  new Gauge({
    name: "causerie_room_memberships",
    help: "Sockets in conversation rooms, summed over the rooms",
    registers,
    collect() {
      this.set(live.roomMemberships())
    },
  })

  const eventCounts = new Map<string, ReturnType<typeof socketEvents.labels>>()
  const eventTimes = new Map<string, ReturnType<typeof eventDuration.labels>>()
  const socketErrors = new Map<string, ReturnType<typeof errors.labels>>()
  const dbTimes = new Map<string, ReturnType<typeof dbDuration.labels>>()

  return {
    registry,
    /** `event` is a registered event name or "unknown"; `outcome` is "ok" or an error code. */
    socketEvent(event: string, outcome: string, seconds: number) {
      childOf(eventCounts, `${event} ${outcome}`, () => socketEvents.labels(event, outcome)).inc()
      childOf(eventTimes, event, () => eventDuration.labels(event)).observe(seconds)
      if (outcome !== "ok") childOf(socketErrors, outcome, () => errors.labels(outcome, "socket")).inc()
    },
    httpRequest(method: string, status: number) {
      httpRequests.labels(method, String(status)).inc()
      if (status >= 400) errors.labels(codeOfStatus(status) ?? `HTTP_${status}`, "http").inc()
    },
    dbQuery(operation: "execute" | "batch", seconds: number, ok: boolean) {
      const outcome = ok ? "ok" : "error"
      childOf(dbTimes, `${operation} ${outcome}`, () => dbDuration.labels(operation, outcome)).observe(
        seconds,
      )
    },
    walCheckpoint(seconds: number, frames: number) {
      walCheckpoints.observe(seconds)
      walFrames.set(frames)
    },
    loopStall(seconds: number) {
      loopStalls.observe(seconds)
    },
    clusterLag(seconds: number) {
      clusterLag.observe(seconds)
    },
    gapFilled(events: number) {
      gapFills.inc()
      gapEvents.inc(events)
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/**
 * GET /metrics in Prometheus text format; with a token, only for `Authorization: Bearer <token>`;
 * without one, only for a direct request from this machine (loopback, and not through a proxy, which
 * would make every visitor look local). Served beside the Hono app so scrapes stay out of the log.
 */
export function metricsEndpoint(metrics: Pick<Metrics, "registry">, token?: string) {
  const expected = token ? digest(token) : undefined
  return async function serveMetrics(req: Request, peer: string | undefined): Promise<Response> {
    if (expected) {
      const given = /^Bearer (.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]
      if (!given || !timingSafeEqual(digest(given), expected)) {
        return Response.json(
          { error: { code: "UNAUTHORIZED", message: "A valid metrics token is required" } },
          { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } },
        )
      }
    } else if (!isLoopback(peer) || req.headers.has("x-forwarded-for") || req.headers.has("forwarded")) {
      return Response.json(
        {
          error: {
            code: "FORBIDDEN",
            message: "Without METRICS_TOKEN, /metrics answers only direct requests from this machine",
          },
        },
        { status: 403 },
      )
    }
    const body = await metrics.registry.metrics()
    return new Response(body, { headers: { "content-type": metrics.registry.contentType } })
  }
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === "::1"
}

// Comparing digests keeps the comparison constant-time whatever the lengths.
const digest = (s: string) => createHash("sha256").update(s).digest()
