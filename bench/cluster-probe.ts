// The extra latency of a cross-node delivery, measured at rest: a sender and one
// receiver on node A, another receiver on node B, one conversation; messages go one
// at a time, and each is timed at both receivers, so the difference is what the hop
// through Redis to the other node adds to the same message.
import { createConversations, registerUsers } from "./accounts.ts"
import { type ChatConn, connect } from "./clients.ts"
import { type LatencySummary, summarize } from "./histogram.ts"
import { clock, encodeText } from "./protocol.ts"
import type { Target } from "./servers.ts"

export type ProbeResult = {
  messages: number
  sameNode: LatencySummary // send on A -> receive on A
  crossNode: LatencySummary // send on A -> receive on B
  extra: LatencySummary // per message: receive on B minus receive on A
}

const TIMEOUT_MS = 10_000

export async function probeCrossNode(target: Target, messages: number): Promise<ProbeResult> {
  const [a, b] = target.nodes ?? []
  if (!a || !b) throw new Error("the cross-node probe needs two nodes")
  const users = await registerUsers("real", a.url, 3)
  const [conversationId = 0] = await createConversations("real", a.url, users, 3)
  const conns: ChatConn[] = []
  try {
    for (const [i, url] of [a.url, a.url, b.url].entries()) {
      const user = users[i]!
      const conn = await connect("sio", url, { ...user, room: conversationId }, TIMEOUT_MS)
      conns.push(conn)
      await conn.join(conversationId)
    }
    const [sender, here, there] = conns as [ChatConn, ChatConn, ChatConn]
    // The first messages warm up connections and code paths on both nodes: not counted.
    const warmup = Math.min(20, Math.floor(messages / 10))
    const same: number[] = []
    const cross: number[] = []
    const extra: number[] = []
    for (let i = 0; i < warmup + messages; i++) {
      const arrivals = Promise.all([arrival(here), arrival(there)])
      const sentAt = clock()
      sender.send(conversationId, encodeText(0, i))
      const [atA, atB] = await arrivals
      if (i < warmup) continue
      same.push(atA - sentAt)
      cross.push(atB - sentAt)
      extra.push(atB - atA)
    }
    return { messages, sameNode: summarize(same), crossNode: summarize(cross), extra: summarize(extra) }
  } finally {
    for (const c of conns) c.close()
  }
}

/** When the next new_message reaches `conn` (the shared clock); rejects after TIMEOUT_MS. */
function arrival(conn: ChatConn): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("probe message not delivered in time")), TIMEOUT_MS)
    conn.onDelivery = () => {
      clearTimeout(timer)
      conn.onDelivery = () => {}
      resolve(clock())
    }
  })
}
