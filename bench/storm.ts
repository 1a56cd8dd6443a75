// Storm scenario: N sockets connect, join one conversation and close; the server's RSS before,
// at the peak, and a few seconds after, to show what a connection storm leaves behind.
import { createConversations, registerUsers } from "./accounts.ts"
import { round } from "./histogram.ts"
import { rssBytes, sleep } from "./processes.ts"
import type { Target } from "./servers.ts"
import type { WorkerPool } from "./worker-pool.ts"

export type StormResult = {
  sockets: number
  connected: number
  rssIdleMB: number | null
  rssPeakMB: number | null
  rssAfterMB: number | null
  failures: string[]
}

/** Sockets per user: under the default MAX_CONNECTIONS_PER_USER (20). */
const SOCKETS_PER_USER = 20
/** How long after the last close the "after" figure is read. */
const SETTLE_MS = 4000

export async function runStorm(target: Target, workers: WorkerPool, sockets: number): Promise<StormResult> {
  const users = await registerUsers(target.kind, target.url, Math.ceil(sockets / SOCKETS_PER_USER))
  const [conversation] = await createConversations(target.kind, target.url, users, users.length)
  await sleep(500)
  const rss = () => (target.pid ? rssBytes(target.pid) : Number.NaN)
  const idle = rss()
  // Each worker takes its own users, so no user goes over the per-user cap across workers.
  const perWorker = Math.ceil(users.length / workers.size)
  for (let w = 0; w < workers.size; w++) {
    const mine = users.slice(w * perWorker, (w + 1) * perWorker)
    workers.send(w, {
      type: "idle-connect",
      kind: "sio",
      url: target.url,
      identities: mine,
      count: Math.max(
        0,
        Math.min(mine.length * SOCKETS_PER_USER, sockets - w * perWorker * SOCKETS_PER_USER),
      ),
      connectConcurrency: 100,
      join: conversation,
    })
  }
  const done = await workers.collect("idle-connected", 300_000)
  const peak = rss()
  workers.broadcast({ type: "close-all" })
  await workers.collect("closed", 60_000)
  await sleep(SETTLE_MS)
  const after = rss()
  const mb = (b: number) => (Number.isFinite(b) ? round(b / 2 ** 20, 1) : null)
  const connected = done.reduce((a, d) => a + d.ok, 0)
  const failures = connected === sockets ? [] : [`${sockets - connected} of ${sockets} sockets failed`]
  return { sockets, connected, rssIdleMB: mb(idle), rssPeakMB: mb(peak), rssAfterMB: mb(after), failures }
}
