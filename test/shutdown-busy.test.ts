/** A graceful stop answers every send of busy clients, the last one included: ack or UNAVAILABLE, never silence. */
import { afterEach, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { closeAll, connect, createConversation, join } from "./helpers/clients.ts"
import { startTestServer } from "./helpers/server.ts"
import { quickUsers } from "./helpers/world.ts"

afterEach(() => closeAll())

type Outcome = "ok" | "UNAVAILABLE" | `other ${string}` | `silence: ${string}`

/**
 * Sends one message after another, each as soon as the previous one is answered, until disconnected;
 * after a refusal it waits the `retryAfterMs` it was given, as the protocol asks.
 */
function busy(s: Socket, conversationId: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  return new Promise((resolve) => {
    const next = () => {
      if (!s.connected) return resolve(outcomes)
      s.timeout(5000).emit(
        "send_message",
        { conversationId, text: `m${outcomes.length}` },
        (err: Error | null, ack: any) => {
          if (err) outcomes.push(`silence: ${err.message}`)
          else if (ack.ok) outcomes.push("ok")
          else if (ack.error.code === "UNAVAILABLE") outcomes.push("UNAVAILABLE")
          else outcomes.push(`other ${ack.error.code}`)
          setTimeout(next, ack?.ok === false ? (ack.error.retryAfterMs ?? 0) : 0)
        },
      )
    }
    next()
  })
}

test("20 busy clients: every send of each, the last included, is acknowledged or refused with UNAVAILABLE", async () => {
  const h = await startTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
  const people = await quickUsers(
    h,
    Array.from({ length: 21 }, (_, i) => `busy${i}`),
  )
  const [owner, ...others] = people
  const id = await createConversation(h, owner!, others)
  const sockets = await Promise.all(others.map((u) => connect(h, u)))
  await Promise.all(sockets.map((s) => join(s, id)))
  const runs = sockets.map((s) => busy(s, id))
  // Stop once every client is in full flow.
  let stored = 0
  await new Promise<void>((resolve) => {
    h.server.services.bus.on("message_created", () => {
      if (++stored === 200) resolve()
    })
  })
  expect(await h.server.stop()).toBe(true)
  const outcomes = await Promise.all(runs)
  for (const [i, mine] of outcomes.entries()) {
    expect([i, mine.filter((o) => o !== "ok" && o !== "UNAVAILABLE")]).toEqual([i, []])
  }
  expect(outcomes.flat().filter((o) => o === "ok").length).toBeGreaterThan(0)
  await h.stop()
})
