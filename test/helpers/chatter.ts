/** Two bystanders chatting in the background, to show that other clients are served throughout. */
import type { Socket } from "socket.io-client"
import { collect, until } from "./wait.ts"

export interface Chatter {
  /** Stops sending and resolves once every acknowledged message has reached the receiver. */
  stop(): Promise<{ sent: number[]; received: number[] }>
}

/** `from` sends a numbered message to `conversationId` every `everyMs`; `to` collects them. */
export function startChatter(from: Socket, to: Socket, conversationId: number, everyMs = 25): Chatter {
  const sent: number[] = []
  const failures: unknown[] = []
  const received = collect<{ conversationId: number; message: { id: number } }>(to, "new_message")
  let inFlight: Promise<void> | undefined
  const timer = setInterval(() => {
    if (inFlight) return
    inFlight = from
      .timeout(5000)
      .emitWithAck("send_message", { conversationId, text: `tick ${sent.length}` })
      .then((ack) => (ack.ok ? sent.push(ack.message.id) : failures.push(ack)))
      .catch((err) => failures.push(String(err)))
      .then(() => {
        inFlight = undefined
      })
  }, everyMs)
  return {
    async stop() {
      clearInterval(timer)
      await inFlight
      if (failures.length) throw new Error(`bystander sends failed: ${JSON.stringify(failures.slice(0, 3))}`)
      // The receiver also hears its own messages and the other direction: keep only these.
      const ids = new Set(sent)
      const mine = () => received.map((r) => r.message.id).filter((id) => ids.has(id))
      await until(() => mine().length >= sent.length, 10_000, "bystander receives every message")
      return { sent, received: mine() }
    },
  }
}
