// Fanout scenario, coordinator side: build users and conversations, hand clients
// to the workers, start every closed loop at once, then merge and check results.
import { createConversations, registerUsers } from "./accounts.ts"
import { type FanoutParams, type FanoutResult, summarize } from "./fanout-result.ts"
import { watchLoopStall } from "./loop-stall.ts"
import { CpuMeter, ForeignMeter, MachineMeter, waitForQuiet } from "./meters.ts"
import type { FanoutClient } from "./protocol.ts"
import type { Target } from "./servers.ts"
import type { WorkerPool } from "./worker-pool.ts"

export type { FanoutParams, FanoutResult } from "./fanout-result.ts"

export async function runFanout(
  target: Target,
  workers: WorkerPool,
  p: FanoutParams,
  quick: boolean,
  o: {
    /** Around the timed phase only (setup excluded): e.g. to read the servers' counters. */
    before?: () => Promise<void>
    after?: () => Promise<void>
    /** Deliveries may arrive out of seq order (several nodes): counted, not a failure. */
    anyArrivalOrder?: boolean
  } = {},
): Promise<FanoutResult> {
  const t0 = performance.now()
  const users = await registerUsers(target.kind, target.url, p.clients)
  const conversations = await createConversations(target.kind, target.url, users, p.members)
  const groupSize = (g: number) => Math.min(p.members, p.clients - g * p.members)
  // Several nodes: neighbours in a conversation sit on different nodes, so its deliveries cross them.
  const nodes = target.nodes ?? []
  const clients: FanoutClient[] = users.map((u, i) => {
    const g = Math.floor(i / p.members)
    return {
      idx: i,
      userId: u.userId,
      token: u.token,
      conversationId: conversations[g] ?? 0,
      expected: groupSize(g) * p.messages,
      ...(nodes.length ? { url: nodes[i % nodes.length]?.url, node: i % nodes.length } : {}),
    }
  })
  // Round-robin: each conversation spans all workers, so every broadcast crosses processes like real users would.
  for (let w = 0; w < workers.size; w++) {
    workers.send(w, {
      type: "fanout-setup",
      kind: target.kind === "raw" ? "raw" : "sio",
      url: target.url,
      clients: clients.filter((c) => c.idx % workers.size === w),
      messages: p.messages,
      msgTimeoutMs: 10_000,
      connectConcurrency: 50,
    })
  }
  const ready = await workers.collect("fanout-ready", 120_000)
  const setupMs = performance.now() - t0
  const failed = ready.reduce((a, r) => a + r.failed, 0)
  if (failed > 0) {
    workers.broadcast({ type: "close-all" })
    await workers.collect("closed", 30_000)
    throw new Error(
      `${failed} of ${p.clients} clients failed to connect/join: ${ready.flatMap((r) => r.errors).join("; ")}`,
    )
  }

  // Shared machine: do not start the timed phase while another job is eating a core.
  const servers = nodes.length ? nodes.map((n) => n.pid) : target.pid ? [target.pid] : []
  const redis = target.redisPid ? [target.redisPid] : []
  const ours = [process.pid, ...workers.pids(), ...servers, ...redis]
  if (!quick) await waitForQuiet(ours, 60_000)
  await o.before?.()
  // The ceilings serve the same figures (limit-stalls.ts): their stalls are the machine's own.
  const stall = nodes.length ? undefined : await watchLoopStall(target.url)
  const cpu = {
    server: servers.length ? new CpuMeter(servers) : null,
    redis: redis.length ? new CpuMeter(redis) : null,
    gen: new CpuMeter(workers.pids()),
    machine: new MachineMeter(),
    others: new ForeignMeter(ours),
  }
  workers.broadcast({ type: "fanout-go" })
  // Closed loop: bounded by messages × per-message timeout in the worst case, but cap the whole phase.
  await workers.collect("fanout-sends-done", quick ? 60_000 : 600_000)
  const cpuPercent = {
    server: cpu.server?.percent() ?? null,
    generator: cpu.gen.percent(),
    others: cpu.others.percent(),
    machine: cpu.machine.busyPercent(),
    ...(cpu.redis ? { redis: cpu.redis.percent() } : {}),
  }
  const loopStall = await stall?.end()
  await o.after?.()
  workers.broadcast({ type: "fanout-finish", graceMs: 5000 })
  const stats = (await workers.collect("fanout-result", 30_000)).map((r) => r.stats)
  workers.broadcast({ type: "close-all" })
  await workers.collect("closed", 30_000)
  const workersLabel = `${workers.size} ${workers.mode}`
  const result = summarize(target.kind, workersLabel, p, stats, cpuPercent, setupMs, o.anyArrivalOrder)
  return loopStall ? { ...result, loopStall } : result
}
