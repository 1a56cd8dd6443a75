/**
 * Order across nodes: every node hands each conversation's sequenced events to its sockets in `seq`
 * order, whichever node committed them, once each; a gap that never comes through Redis is read
 * from the database.
 */
import { Database } from "bun:sqlite"
import { describe, expect, test } from "bun:test"
import { connect, createConversation, join as joinRoom, signUp } from "./helpers/clients.ts"
import { hasRedis, useNodes } from "./helpers/cluster.ts"
import { collect, nothingWithin, until } from "./helpers/wait.ts"

describe.skipIf(!hasRedis)("order across two nodes", () => {
  const cluster = useNodes(2)
  const { on } = cluster

  test("senders on both nodes at once: every member, on either node, hears every seq once and in order", async () => {
    const people = await Promise.all(["s1", "s2", "r1", "r2"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), people[0]!, people.slice(1))
    const [s1, s2, r1, r2] = await Promise.all(people.map((u, i) => connect(on(i % 2), u)))
    const joined = await Promise.all([s1, s2, r1, r2].map((s) => joinRoom(s!, id)))
    const from = Math.max(...joined.map((j) => j.lastSeq as number))
    const heard = [s1, s2, r1, r2].map((s) => collect(s!, "new_message"))
    const acks = await Promise.all(
      [s1, s2].flatMap((s, n) =>
        Array.from({ length: 40 }, (_, i) =>
          s!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: `${n}.${i}` }),
        ),
      ),
    )
    expect(acks.every((a) => a.ok)).toBe(true)
    const seqs = acks.map((a) => a.message.seq as number).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => from + i + 1))
    await until(() => heard.every((h) => h.length >= 80), 10_000, "80 messages on every socket")
    expect(await nothingWithin(r1!, "new_message", 300)).toBe(true)
    for (const h of heard) expect(h.map((e) => e.seq)).toEqual(seqs)
  })

  test("an event that never came through Redis is read from the database and delivered before the next", async () => {
    const [ann, ben] = await Promise.all(["ann", "ben"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), ann!, [ben!])
    const [a, b] = await Promise.all([connect(on(0), ann!), connect(on(1), ben!)])
    await Promise.all([joinRoom(a!, id), joinRoom(b!, id)])
    // A message committed by a node that died before publishing it: in the database, never broadcast.
    const db = new Database(cluster.dbPath)
    db.exec("PRAGMA busy_timeout = 5000")
    db.transaction(() => {
      db.run("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ?", [id])
      db.run(
        "INSERT INTO messages (conversation_id, sender_id, text, seq) SELECT id, ?, 'lost in transit', last_seq FROM conversations WHERE id = ?",
        [ann!.id, id],
      )
    }).immediate()
    db.close()
    const [heardA, heardB] = [collect(a!, "new_message"), collect(b!, "new_message")]
    const ack = await a!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "after" })
    expect(ack.ok).toBe(true)
    await until(() => heardA.length >= 2 && heardB.length >= 2, 10_000, "both messages on both nodes")
    for (const heard of [heardA, heardB]) {
      expect(heard.map((e) => [e.seq, e.message.text])).toEqual([
        [ack.message.seq - 1, "lost in transit"],
        [ack.message.seq, "after"],
      ])
      expect(heard[0].message.sender.id).toBe(ann!.id)
    }
    expect(await nothingWithin(b!, "new_message", 300)).toBe(true)
  })

  test("a node that restarts orders again from its first join: its members hear everything once, in order", async () => {
    const people = await Promise.all(["t1", "t2", "listener"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), people[0]!, people.slice(1))
    const [s1, s2] = await Promise.all([connect(on(0), people[0]!), connect(on(1), people[1]!)])
    await Promise.all([joinRoom(s1!, id), joinRoom(s2!, id)])
    // 15 a sender each round: two rounds stay within one message burst (40).
    const burst = async (tag: string) => {
      const acks = await Promise.all(
        [s1, s2].flatMap((s, n) =>
          Array.from({ length: 15 }, (_, i) =>
            s!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: `${tag} ${n}.${i}` }),
          ),
        ),
      )
      expect(acks.every((a) => a.ok)).toBe(true)
      return acks.map((a) => a.message.seq as number).sort((a, b) => a - b)
    }
    const third = await cluster.start()
    try {
      for (const round of ["before", "after"]) {
        const l = await connect(on(third), people[2]!)
        await joinRoom(l, id)
        const heard = collect(l, "new_message")
        const seqs = await burst(round)
        await until(() => heard.length >= 30, 10_000, `30 messages ${round} the restart`)
        expect(heard.map((e) => e.seq)).toEqual(seqs)
        l.close()
        if (round === "before") {
          await third.stop()
          Object.assign(third, await cluster.start())
        }
      }
    } finally {
      third.proc.kill("SIGKILL")
    }
  })
})
