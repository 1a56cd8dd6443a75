// Worker-side closed-loop fanout: each client sends its next message only after
// its own previous one came back through the room, and every client checks that
// what it receives is complete, unique and in stored (id) order.
import { type ChatConn, connect, pool } from "./clients.ts"
import { Histogram } from "./histogram.ts"
import { clock, decodeText, encodeText, type FanoutStats, type ToWorker } from "./protocol.ts"

type Setup = Extract<ToWorker, { type: "fanout-setup" }>

class Member {
  lastId = -1
  seen = new Set<number>()
  duplicates = 0
  misordered = 0
  crossTalk = 0
  nextSeq = 0
  waitingSeq = -1
  timer: ReturnType<typeof setTimeout> | undefined
  done = false
  constructor(
    readonly idx: number,
    readonly conversationId: number,
    readonly expected: number,
    readonly conn: ChatConn,
    readonly node: number | undefined,
  ) {}
}

export class FanoutRun {
  private members: Member[] = []
  private hist = new Histogram()
  private sameNode = new Histogram()
  private crossNode = new Histogram()
  private sent = 0
  private sendErrors = 0
  private timeouts = 0
  private firstSendAt = 0
  private lastRecvAt = 0
  private errors: string[] = []
  private doneCount = 0
  private completeCount = 0
  private onAllSent: () => void = () => {}
  private onComplete: () => void = () => {}

  constructor(private readonly setup: Setup) {}

  private note(err: string) {
    if (this.errors.length < 5) this.errors.push(err)
  }

  /** Connect and join every client; returns how many made it. */
  async connectAll(): Promise<{ connected: number; failed: number; errors: string[] }> {
    const { kind, url, clients, connectConcurrency, msgTimeoutMs } = this.setup
    let failed = 0
    await pool(clients, connectConcurrency, async (c) => {
      try {
        const conn = await connect(
          kind,
          c.url ?? url,
          { userId: c.userId, token: c.token, room: c.conversationId },
          msgTimeoutMs,
        )
        await conn.join(c.conversationId).catch((err) => {
          conn.close()
          throw err
        })
        const m = new Member(c.idx, c.conversationId, c.expected, conn, c.node)
        conn.onDelivery = (conv, id, text) => this.deliver(m, conv, id, text)
        conn.onSendError = (reason) => {
          // A rejected send will never be echoed: count it and move on rather than wait for the timeout.
          this.sendErrors++
          this.note(`send rejected: ${reason}`)
          clearTimeout(m.timer)
          this.sendNext(m)
        }
        this.members.push(m)
      } catch (err) {
        failed++
        this.note(String(err))
      }
    })
    return { connected: this.members.length, failed, errors: this.errors.splice(0) }
  }

  /** Start every client's loop; resolves when all local clients have had their last message echoed (or timed out). */
  go(): Promise<void> {
    const allSent = new Promise<void>((resolve) => {
      this.onAllSent = resolve
    })
    if (this.members.length === 0) this.onAllSent()
    for (const m of this.members) this.sendNext(m)
    return allSent
  }

  private sendNext(m: Member) {
    if (m.nextSeq >= this.setup.messages) {
      if (!m.done) {
        m.done = true
        if (++this.doneCount === this.members.length) this.onAllSent()
      }
      return
    }
    m.waitingSeq = m.nextSeq++
    if (this.firstSendAt === 0) this.firstSendAt = clock()
    this.sent++
    m.conn.send(m.conversationId, encodeText(m.idx, m.waitingSeq, m.node))
    m.timer = setTimeout(() => {
      this.timeouts++
      this.note(`client ${m.idx}: message ${m.waitingSeq} not echoed within ${this.setup.msgTimeoutMs}ms`)
      this.sendNext(m)
    }, this.setup.msgTimeoutMs)
  }

  private deliver(m: Member, conversationId: number, id: number, text: string) {
    const now = clock()
    this.lastRecvAt = now
    if (conversationId !== m.conversationId) {
      m.crossTalk++
      return
    }
    if (m.seen.has(id)) {
      m.duplicates++
      return
    }
    m.seen.add(id)
    if (!(id > m.lastId)) m.misordered++
    else m.lastId = id
    const parsed = decodeText(text)
    if (!parsed) {
      this.note(`unparseable text: ${text.slice(0, 60)}`)
      return
    }
    this.hist.record(now - parsed.t)
    if (m.node !== undefined && parsed.k !== undefined)
      (parsed.k === m.node ? this.sameNode : this.crossNode).record(now - parsed.t)
    if (parsed.s === m.idx && parsed.n === m.waitingSeq) {
      clearTimeout(m.timer)
      m.waitingSeq = -1
      this.sendNext(m)
    }
    if (m.seen.size === m.expected && ++this.completeCount === this.members.length) this.onComplete()
  }

  /** Wait (at most graceMs) for straggling deliveries, then produce the stats. */
  async finish(graceMs: number): Promise<FanoutStats> {
    if (this.completeCount < this.members.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs)
        this.onComplete = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    const sum = (f: (m: Member) => number) => this.members.reduce((a, m) => a + f(m), 0)
    for (const m of this.members) clearTimeout(m.timer)
    return {
      clients: this.members.length,
      sent: this.sent,
      sendErrors: this.sendErrors,
      timeouts: this.timeouts,
      deliveries: sum((m) => m.seen.size),
      expected: sum((m) => m.expected),
      lost: sum((m) => Math.max(0, m.expected - m.seen.size)),
      duplicates: sum((m) => m.duplicates),
      misordered: sum((m) => m.misordered),
      crossTalk: sum((m) => m.crossTalk),
      firstSendAt: this.firstSendAt,
      lastRecvAt: this.lastRecvAt,
      latency: this.hist.toData(),
      sameNode: this.sameNode.toData(),
      crossNode: this.crossNode.toData(),
      errors: this.errors,
    }
  }

  close() {
    for (const m of this.members) {
      clearTimeout(m.timer)
      m.conn.close()
    }
    this.members = []
  }
}
