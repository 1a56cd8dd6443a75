// Messages exchanged between the coordinator (run.ts) and load workers (worker.ts).
// Both sides import these types so a protocol change is a type error, not a hang.
import type { HistogramData } from "./histogram.ts"

/** "sio" = socket.io-client against the chat protocol; "raw" = plain WebSocket against limit-raw. */
export type ClientKind = "sio" | "raw"

export type FanoutClient = {
  idx: number // global client index, written into every message text to recognise own echoes
  userId: number
  token: string
  conversationId: number
  expected: number // deliveries this client must see: members of its conversation × messages
  /** The node this client talks to when several serve one database (else the setup's url). */
  url?: string
  node?: number // its index, written into every message so receivers can tell cross-node deliveries
}

export type ToWorker =
  | {
      type: "fanout-setup"
      kind: ClientKind
      url: string
      clients: FanoutClient[]
      messages: number
      msgTimeoutMs: number
      connectConcurrency: number
    }
  | { type: "fanout-go" }
  | { type: "fanout-finish"; graceMs: number }
  | {
      type: "idle-connect"
      kind: ClientKind
      url: string
      identities: { userId: number; token: string }[]
      count: number
      connectConcurrency: number
      /** A conversation each socket joins once connected (the storm scenario). */
      join?: number
    }
  | { type: "idle-check" }
  | { type: "close-all" }

export type FanoutStats = {
  clients: number
  sent: number
  sendErrors: number
  timeouts: number // own echo did not come back in msgTimeoutMs
  deliveries: number // unique deliveries
  expected: number
  lost: number
  duplicates: number
  misordered: number
  crossTalk: number // messages of another conversation delivered to this client
  firstSendAt: number // epoch ms (performance.timeOrigin based)
  lastRecvAt: number
  latency: HistogramData
  /** Split by where the sender was, when clients are spread over several nodes. */
  sameNode?: HistogramData
  crossNode?: HistogramData
  errors: string[]
}

export type FromWorker =
  | { type: "hello"; pid: number }
  | { type: "fanout-ready"; connected: number; failed: number; errors: string[] }
  | { type: "fanout-sends-done" }
  | { type: "fanout-result"; stats: FanoutStats }
  | {
      type: "idle-connected"
      ok: number
      failed: number
      startedAt: number
      endedAt: number
      errors: string[]
    }
  | { type: "idle-status"; connected: number }
  | { type: "closed" }
  | { type: "fatal"; error: string }

/** Shared wall clock with sub-millisecond resolution; comparable across processes on one machine. */
export function clock(): number {
  return performance.timeOrigin + performance.now()
}

/** Message text carrying send time, sender, sequence (and the sender's node) so receivers can time and match it. */
export function encodeText(sender: number, seq: number, node?: number): string {
  return `t=${clock().toFixed(3)} s=${sender} n=${seq}${node === undefined ? "" : ` k=${node}`}`
}

export function decodeText(text: string): { t: number; s: number; n: number; k?: number } | null {
  const m = /^t=([\d.]+) s=(\d+) n=(\d+)(?: k=(\d+))?/.exec(text)
  if (!m) return null
  return {
    t: Number(m[1]),
    s: Number(m[2]),
    n: Number(m[3]),
    k: m[4] === undefined ? undefined : Number(m[4]),
  }
}
