/** On the live path, members hear sequenced events in seq order, without a gap, whoever writes. */
import { expect, test } from "bun:test"
import { api, connect, createConversation, join } from "./helpers/clients.ts"
import { collectSequenced, lastSeqOf, range, storedSeqs } from "./helpers/sequence.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { nothingWithin, until } from "./helpers/wait.ts"
import { quickUsers } from "./helpers/world.ts"

const PER_SENDER = 40
const CHANGES = 10

const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

test("three senders, renames and role changes at once: every member hears seqs strictly increasing and gapless from its join", async () => {
  const people = await quickUsers(h, ["admin", "s1", "s2", "s3", "watcher"])
  const [admin, , , , watcher] = people
  const [latecomer] = await quickUsers(h, ["latecomer"])
  const id = await createConversation(h, admin, [...people.slice(1), latecomer])
  const sockets = await Promise.all(people.map((u) => connect(h, u)))
  const joined = await Promise.all(sockets.map((s) => join(s, id)))
  const from = joined[0].lastSeq
  expect(joined.every((j) => j.ok && j.lastSeq === from)).toBe(true)
  const heard = sockets.map((s) => collectSequenced(s))
  // One member joins the room in the middle of it all: gapless from the lastSeq its join answers.
  const late = await connect(h, latecomer)
  const heardLate = collectSequenced(late)
  let lateJoin: Promise<any> | undefined

  // Everything leaves before any answer is awaited: sockets and HTTP, messages and other events.
  const writes: Promise<any>[] = []
  const [a, x1, x2, x3] = sockets
  for (let n = 0; n < PER_SENDER; n++) {
    if (n === PER_SENDER / 2) lateJoin = join(late, id)
    for (const [i, s] of [x1!, x2!, x3!].entries())
      writes.push(s.timeout(10_000).emitWithAck("send_message", { conversationId: id, text: `s${i} n${n}` }))
    if (n % 4 === 0) {
      const c = n / 4
      writes.push(
        a!.timeout(10_000).emitWithAck("update_conversation", { conversationId: id, title: `t${c}` }),
      )
      const role = c % 2 ? "member" : "admin"
      writes.push(
        c % 3
          ? a!.timeout(10_000).emitWithAck("change_role", { conversationId: id, userId: watcher.id, role })
          : api(h, "PATCH", `/api/conversations/${id}/participants/${watcher.id}`, {
              auth: admin,
              body: { role },
            }).then((r) => ({ ok: r.status === 200, ...r.body })),
      )
    }
  }
  expect(writes).toHaveLength(PER_SENDER * 3 + CHANGES * 2)
  const answers = await Promise.all(writes)
  expect(answers.filter((r) => !r.ok)).toEqual([])
  const joinedLate = (await lateJoin!).lastSeq
  // One more after the latecomer is surely in.
  expect((await x1!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "last" })).ok).toBe(
    true,
  )

  const last = lastSeqOf(h, id)
  expect(storedSeqs(h, id)).toEqual(range(1, last))
  await until(() => heard.every((got) => got.length >= last - from), 10_000, "every member hears every event")
  expect(await nothingWithin(sockets[4]!, "new_message", 200)).toBe(true)
  const stored = new Map(
    h
      .query<{ seq: number; type: string }>(
        `select seq, 'new_message' as type from messages where conversation_id = ?1
         union all select seq, type from conversation_events where conversation_id = ?1`,
        id,
      )
      .map((r) => [r.seq, r.type]),
  )
  for (const got of heard) {
    expect(got.map((e) => e.seq)).toEqual(range(from + 1, last))
    expect(got.every((e) => e.type === stored.get(e.seq))).toBe(true)
  }
  // Each sender's own messages take seqs in the order it sent them.
  for (const i of [0, 1, 2]) {
    const mine = answers.filter((r) => r.message?.text?.startsWith(`s${i} `)).map((r) => r.message.seq)
    expect(mine).toHaveLength(PER_SENDER)
    expect(mine).toEqual([...mine].sort((p, q) => p - q))
  }
  expect(heard[0]!.filter((e) => e.type === "conversation_updated")).toHaveLength(CHANGES)

  await until(() => heardLate.at(-1)?.seq === last, 10_000, "the latecomer hears the end")
  const lateSeqs = heardLate.map((e) => e.seq)
  expect(lateSeqs).toEqual([...new Set(lateSeqs)].sort((p, q) => p - q))
  expect(lateSeqs.filter((seq) => seq > joinedLate)).toEqual(range(joinedLate + 1, last))
})
