// Connections scenario: open N idle authenticated sockets and report the
// server's memory per socket and how fast it accepted them.
import { registerUsers } from "./accounts.ts"
import { round } from "./histogram.ts"
import { rssBytes, sleep } from "./processes.ts"
import type { Target } from "./servers.ts"
import type { WorkerPool } from "./worker-pool.ts"

export type ConnectionsResult = {
  target: Target["kind"]
  sockets: number
  connected: number
  failed: number
  stillConnected: number // after a settle pause: the server must keep idle sockets open
  connectPerSec: number
  connectMs: number
  rssBeforeMB: number | null
  rssAfterMB: number | null
  rssPerSocketKB: number | null
  failures: string[]
  errors: string[]
}

/** The server's default MAX_CONNECTIONS_PER_USER: more sockets per user would be refused. */
const SOCKETS_PER_USER = 20

export async function runConnections(
  target: Target,
  workers: WorkerPool,
  sockets: number,
): Promise<ConnectionsResult> {
  // Sockets share users, SOCKETS_PER_USER each (several devices per user): registering
  // 10,000 users with slow password hashing would dominate the run without telling anything.
  // Each worker gets its own users so no user exceeds the cap across workers.
  const share = (w: number) => Math.floor(sockets / workers.size) + (w < sockets % workers.size ? 1 : 0)
  const usersFor = (w: number) => Math.ceil(share(w) / SOCKETS_PER_USER)
  const shares = Array.from({ length: workers.size }, (_, w) => w)
  const identities = await registerUsers(
    target.kind,
    target.url,
    shares.reduce((a, w) => a + usersFor(w), 0),
  )
  await sleep(500) // let registration garbage settle before the baseline reading
  const rssBefore = target.pid ? rssBytes(target.pid) : Number.NaN
  let first = 0
  for (const w of shares) {
    workers.send(w, {
      type: "idle-connect",
      kind: target.kind === "raw" ? "raw" : "sio",
      url: target.url,
      identities: identities.slice(first, first + usersFor(w)),
      count: share(w),
      connectConcurrency: 100,
    })
    first += usersFor(w)
  }
  const done = await workers.collect("idle-connected", 300_000)
  const connected = done.reduce((a, d) => a + d.ok, 0)
  const failed = done.reduce((a, d) => a + d.failed, 0)
  const connectMs = Math.max(...done.map((d) => d.endedAt)) - Math.min(...done.map((d) => d.startedAt))
  await sleep(2000) // settle: pending handshakes, timers and allocations land before measuring
  const rssAfter = target.pid ? rssBytes(target.pid) : Number.NaN
  workers.broadcast({ type: "idle-check" })
  const stillConnected = (await workers.collect("idle-status", 30_000)).reduce((a, s) => a + s.connected, 0)
  workers.broadcast({ type: "close-all" })
  await workers.collect("closed", 60_000)

  const mb = (b: number) => (Number.isFinite(b) ? round(b / 2 ** 20, 1) : null)
  const r: ConnectionsResult = {
    target: target.kind,
    sockets,
    connected,
    failed,
    stillConnected,
    connectPerSec: Math.round((connected / connectMs) * 1000),
    connectMs: round(connectMs, 1),
    rssBeforeMB: mb(rssBefore),
    rssAfterMB: mb(rssAfter),
    rssPerSocketKB:
      Number.isFinite(rssAfter - rssBefore) && connected > 0
        ? round((rssAfter - rssBefore) / 1024 / connected, 2)
        : null,
    failures: [],
    errors: done.flatMap((d) => d.errors).slice(0, 10),
  }
  if (connected !== sockets) r.failures.push(`${sockets - connected} of ${sockets} sockets failed to connect`)
  if (stillConnected !== connected)
    r.failures.push(`${connected - stillConnected} sockets dropped while idle`)
  return r
}
