/**
 * The reorder step of several nodes (src/sockets/reorder.ts), driven alone: whatever order the
 * broadcasts of a conversation arrive in, and whichever never arrive, its members get every seq after
 * the room formed exactly once and in order, the missing ones read from the stored events. Real nodes
 * are in cluster-order.test.ts; here the arrivals are every order fast-check can think of.
 */
import { expect, test } from "bun:test"
import fc from "fast-check"
import { createReorder } from "../src/sockets/reorder.ts"

/** A room formed when the conversation was at `base`; events base+1..base+n follow, some lost on the way. */
const scenario = fc.record({ base: fc.nat(50), n: fc.integer({ min: 1, max: 40 }) }).chain(({ base, n }) =>
  fc.record({
    base: fc.constant(base),
    n: fc.constant(n),
    arrivals: fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => base + 1 + i),
      { minLength: 0, maxLength: n },
    ),
    // Late arrivals from before the room formed: its joiners have them from their sync.
    stale:
      base > 0 ? fc.array(fc.integer({ min: 1, max: base }), { maxLength: 3 }) : fc.constant<number[]>([]),
    // Some come only after the wait for them may have run out (then they were read already).
    late: fc.array(fc.integer({ min: base + 1, max: base + n }), { maxLength: 4 }),
    // A small bound on what waits reads the gap at once.
    maxHeld: fc.integer({ min: 1, max: 50 }),
    // Some arrive twice (never from Redis, but the step must not care).
    again: fc.array(fc.integer({ min: base + 1, max: base + n }), { maxLength: 3 }),
  }),
)

test("any arrival order, any losses: every seq after the room formed, once, in order", async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ base, n, arrivals, stale, late, again, maxHeld }) => {
      const heard: { seq: number; how: "live" | "stored" }[] = []
      const reorder = createReorder({
        lastSeq: async () => base,
        // As replay gives them: the stored events in (after, upTo], each payload with its seq.
        stored: async (_id, after, upTo) =>
          Array.from({ length: upTo - after }, (_, i) => ({
            seq: after + 1 + i,
            type: "new_message" as const,
            data: { seq: after + 1 + i } as never,
          })),
        send: (_id, _type, data) => heard.push({ seq: (data as { seq: number }).seq, how: "stored" }),
        gapWaitMs: 1,
        maxHeld,
      })
      reorder.formed(7)
      await Promise.resolve()
      const last = base + n + 1
      const push = (seq: number) => reorder.push(7, seq, () => heard.push({ seq, how: "live" }))
      for (const seq of [...stale, ...arrivals, ...again, last]) push(seq)
      await Bun.sleep(2)
      for (const seq of late) push(seq)
      const want = Array.from({ length: n + 1 }, (_, i) => base + 1 + i)
      for (let i = 0; i < 500 && heard.length < want.length; i++) await Bun.sleep(1)
      reorder.close()
      expect(heard.map((h) => h.seq)).toEqual(want)
      // What arrived in time went out live; what never came was read (a late one: either).
      const live = new Set([...arrivals, ...again, last])
      for (const h of heard)
        if (!late.includes(h.seq) || live.has(h.seq)) expect(h.how).toBe(live.has(h.seq) ? "live" : "stored")
    }),
    { numRuns: 150 },
  )
})

test("a conversation with no room on the node keeps no state: its broadcasts pass at once, as they come", () => {
  const reorder = createReorder({
    lastSeq: async () => 0,
    stored: async () => [],
    send: () => {},
  })
  const heard: number[] = []
  for (const seq of [3, 1, 2]) reorder.push(9, seq, () => heard.push(seq))
  expect(heard).toEqual([3, 1, 2])
  reorder.close()
})

test("the room's last member leaves while events wait: they go out in order, and the state is gone", async () => {
  const reorder = createReorder({ lastSeq: async () => 10, stored: async () => [], send: () => {} })
  reorder.formed(4)
  await Promise.resolve()
  const heard: number[] = []
  for (const seq of [13, 12]) reorder.push(4, seq, () => heard.push(seq))
  expect(heard).toEqual([])
  reorder.dissolved(4)
  expect(heard).toEqual([12, 13])
  reorder.push(4, 20, () => heard.push(20))
  expect(heard).toEqual([12, 13, 20])
  reorder.close()
})
