// Load worker: runs in its own process (Bun.spawn with IPC) or as a Bun Worker
// thread, so the generator gets its own event loop(s) and is not the bottleneck.
// It obeys ToWorker commands from the coordinator and answers with FromWorker.
import { type ChatConn, connect, pool } from "./clients.ts"
import { FanoutRun } from "./fanout-clients.ts"
import { clock, type FromWorker, type ToWorker } from "./protocol.ts"

declare const self: { postMessage(m: unknown): void; onmessage: ((ev: MessageEvent) => void) | null }

const inThread = !Bun.isMainThread
const reply = (msg: FromWorker) => (inThread ? self.postMessage(msg) : process.send?.(msg))

let fanout: FanoutRun | undefined
let idle: ChatConn[] = []

async function handle(cmd: ToWorker): Promise<void> {
  switch (cmd.type) {
    case "fanout-setup": {
      fanout?.close()
      fanout = new FanoutRun(cmd)
      reply({ type: "fanout-ready", ...(await fanout.connectAll()) })
      return
    }
    case "fanout-go":
      await fanout?.go()
      reply({ type: "fanout-sends-done" })
      return
    case "fanout-finish": {
      const stats = await fanout?.finish(cmd.graceMs)
      if (stats) reply({ type: "fanout-result", stats })
      return
    }
    case "idle-connect": {
      const errors: string[] = []
      let failed = 0
      const startedAt = clock()
      const slots = Array.from({ length: cmd.count }, (_, i) => cmd.identities[i % cmd.identities.length])
      await pool(slots, cmd.connectConcurrency, async (who) => {
        try {
          const conn = await connect(
            cmd.kind,
            cmd.url,
            { userId: who?.userId ?? 0, token: who?.token ?? "", room: 0 },
            30_000,
          )
          idle.push(conn)
          if (cmd.join !== undefined) await conn.join(cmd.join)
        } catch (err) {
          failed++
          if (errors.length < 5) errors.push(String(err))
        }
      })
      reply({ type: "idle-connected", ok: idle.length, failed, startedAt, endedAt: clock(), errors })
      return
    }
    case "idle-check":
      reply({ type: "idle-status", connected: idle.filter((c) => c.connected()).length })
      return
    case "close-all":
      fanout?.close()
      fanout = undefined
      for (const c of idle) c.close()
      idle = []
      reply({ type: "closed" })
      return
  }
}

const onCommand = (cmd: ToWorker) =>
  handle(cmd).catch((err) => reply({ type: "fatal", error: String(err?.stack ?? err) }))

if (inThread) {
  self.onmessage = (ev) => onCommand(ev.data as ToWorker)
} else {
  process.on("message", (m) => onCommand(m as ToWorker))
  // If the coordinator dies the IPC channel closes: never linger as an orphan load generator.
  process.on("disconnect", () => process.exit(0))
}
// Hard stop so a wedged run can never outlive its purpose.
setTimeout(() => process.exit(2), 30 * 60_000).unref()
reply({ type: "hello", pid: process.pid })
