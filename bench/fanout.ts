// Fanout scenario, coordinator side: build users and conversations, hand clients
// to the workers, start every closed loop at once, then merge and check results.
import { createConversations, registerUsers } from "./accounts.ts"
import { type FanoutParams, type FanoutResult, summarize } from "./fanout-result.ts"
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
): Promise<FanoutResult> {
  const t0 = performance.now()
  const users = await registerUsers(target.kind, target.url, p.clients)
  const conversations = await createConversations(target.kind, target.url, users, p.members)
  const groupSize = (g: number) => Math.min(p.members, p.clients - g * p.members)
  const clients: FanoutClient[] = users.map((u, i) => {
    const g = Math.floor(i / p.members)
    return {
      idx: i,
      userId: u.userId,
      token: u.token,
      conversationId: conversations[g] ?? 0,
      expected: groupSize(g) * p.messages,
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
  const ours = [process.pid, ...workers.pids(), ...(target.pid ? [target.pid] : [])]
  if (!quick) await waitForQuiet(ours, 60_000)
  const cpu = {
    server: target.pid ? new CpuMeter([target.pid]) : null,
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
  }
  workers.broadcast({ type: "fanout-finish", graceMs: 5000 })
  const stats = (await workers.collect("fanout-result", 30_000)).map((r) => r.stats)
  workers.broadcast({ type: "close-all" })
  await workers.collect("closed", 30_000)
  return summarize(target.kind, `${workers.size} ${workers.mode}`, p, stats, cpuPercent, setupMs)
}
