// Coordinator side of the load workers: spawns them (processes by default,
// Bun Worker threads on request), routes their replies, awaits them with deadlines.
import type { Subprocess } from "bun"
import { fdLimitWrapper, track } from "./processes.ts"
import type { FromWorker, ToWorker } from "./protocol.ts"

export type WorkerMode = "process" | "thread"
type Msg<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>

const WORKER_PATH = `${import.meta.dir}/worker.ts`

class Lane {
  private queue: FromWorker[] = []
  private waiters: ((m: FromWorker) => void)[] = []
  pid = 0
  constructor(
    readonly send: (m: ToWorker) => void,
    readonly stop: () => void,
  ) {}

  push(m: FromWorker) {
    if (m.type === "hello") this.pid = m.pid
    const w = this.waiters.shift()
    if (w) w(m)
    else this.queue.push(m)
  }

  next(): Promise<FromWorker> {
    const m = this.queue.shift()
    return m ? Promise.resolve(m) : new Promise((resolve) => this.waiters.push(resolve))
  }
}

export class WorkerPool {
  private constructor(
    private lanes: Lane[],
    readonly mode: WorkerMode,
  ) {}

  static async start(count: number, mode: WorkerMode): Promise<WorkerPool> {
    const lanes = Array.from({ length: count }, () => (mode === "thread" ? threadLane() : processLane()))
    const pool = new WorkerPool(lanes, mode)
    await pool.collect("hello", 15_000)
    return pool
  }

  get size() {
    return this.lanes.length
  }

  /** OS pids whose CPU time is the generator's (in thread mode that is this very process). */
  pids(): number[] {
    return this.mode === "thread" ? [process.pid] : this.lanes.map((l) => l.pid)
  }

  send(i: number, m: ToWorker) {
    this.lanes[i]?.send(m)
  }

  broadcast(m: ToWorker) {
    for (const l of this.lanes) l.send(m)
  }

  /** Next reply of `type` from every worker; a "fatal" reply or the deadline rejects. */
  async collect<T extends FromWorker["type"]>(type: T, timeoutMs: number): Promise<Msg<T>[]> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`workers did not answer "${type}" within ${timeoutMs}ms`)),
        timeoutMs,
      )
    })
    const one = async (lane: Lane): Promise<Msg<T>> => {
      const m = await lane.next()
      if (m.type === "fatal") throw new Error(`worker failed: ${m.error}`)
      if (m.type !== type) throw new Error(`worker protocol: expected ${type}, got ${m.type}`)
      return m as Msg<T>
    }
    try {
      return await Promise.race([Promise.all(this.lanes.map(one)), deadline])
    } finally {
      clearTimeout(timer)
    }
  }

  close() {
    for (const l of this.lanes) l.stop()
    this.lanes = []
  }
}

function processLane(): Lane {
  let proc: Subprocess | undefined
  const lane = new Lane(
    (m) => proc?.send(m),
    () => proc?.kill("SIGKILL"),
  )
  proc = Bun.spawn({
    cmd: fdLimitWrapper([process.execPath, WORKER_PATH]),
    stdio: ["ignore", "inherit", "inherit"],
    serialization: "json",
    ipc: (m) => lane.push(m as FromWorker),
    onExit: (_p, code) => lane.push({ type: "fatal", error: `worker process exited with code ${code}` }),
  })
  track(proc)
  return lane
}

function threadLane(): Lane {
  const w = new Worker(WORKER_PATH)
  const lane = new Lane(
    (m) => w.postMessage(m),
    () => w.terminate(),
  )
  w.onmessage = (ev) => lane.push(ev.data as FromWorker)
  w.onerror = (ev) => lane.push({ type: "fatal", error: `worker thread error: ${ev.message}` })
  return lane
}
