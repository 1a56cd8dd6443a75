/**
 * Three real nodes on one real Redis and one SQLite file: broadcasts cross nodes exactly once in
 * seq order, membership changes and rate limits hold on every node, a killed node loses nothing.
 */

import { Database } from "bun:sqlite"
import { describe, expect, test } from "bun:test"
import { api, connect, createConversation, join as joinRoom, signUp } from "./helpers/clients.ts"
import { hasRedis, useNodes } from "./helpers/cluster.ts"
import { collect, nothingWithin, until, waitFor } from "./helpers/wait.ts"

if (!hasRedis)
  console.warn("cluster tests skipped: redis-server is not installed (apt-get install redis-server)")

describe.skipIf(!hasRedis)("three nodes on one Redis and one database", () => {
  const cluster = useNodes(3)
  const { nodes, on } = cluster

  const stored = () => {
    const db = new Database(cluster.dbPath, { readonly: true })
    try {
      return (cid: number) =>
        db
          .query(
            "select seq from messages where conversation_id = ?1 union all select seq from conversation_events where conversation_id = ?1 order by seq",
          )
          .all(cid)
          .map((r) => (r as { seq: number }).seq)
    } finally {
      queueMicrotask(() => db.close())
    }
  }

  test("a message sent on node 1 reaches members on nodes 2 and 3 exactly once, in seq order", async () => {
    const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), alice!, [bob!, carol!])
    const [a, b, c] = await Promise.all([
      connect(on(0), alice!),
      connect(on(1), bob!),
      connect(on(2), carol!),
    ])
    await Promise.all([joinRoom(a!, id), joinRoom(b!, id), joinRoom(c!, id)])
    const [gotB, gotC] = [collect(b!, "new_message"), collect(c!, "new_message")]
    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        a!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: `m${i}` }),
      ),
    )
    expect(acks.every((x) => x.ok)).toBe(true)
    await until(() => gotB.length >= 30 && gotC.length >= 30, 10_000, "30 messages on nodes 2 and 3")
    expect(await nothingWithin(b!, "new_message", 300)).toBe(true)
    const ackedSeqs = acks.map((x) => x.message.seq).sort((x, y) => x - y)
    for (const got of [gotB, gotC]) {
      const seqs = got.map((e) => e.seq)
      expect(seqs).toEqual(ackedSeqs) // each once, and in seq order
      expect(got.map((e) => e.message.id).sort()).toEqual(acks.map((x) => x.message.id).sort())
    }
  })

  test("a removal on node 2 stops delivery on nodes 1 and 3 at once, and the removed user is refused there", async () => {
    const [admin, dave, erin] = await Promise.all(["admin", "dave", "erin"].map((n) => signUp(on(1), n)))
    const id = await createConversation(on(1), admin!, [dave!, erin!])
    const [d1, d3, e3, adm] = await Promise.all([
      connect(on(0), dave!),
      connect(on(2), dave!),
      connect(on(2), erin!),
      connect(on(1), admin!),
    ])
    await Promise.all([joinRoom(d1!, id), joinRoom(d3!, id), joinRoom(e3!, id), joinRoom(adm!, id)])
    // Every node has the conversation's membership cached by now: dave sends from node 3.
    expect(
      (await d3!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "before" })).ok,
    ).toBe(true)
    const removed = Promise.all([waitFor(d1!, "participant_removed"), waitFor(d3!, "participant_removed")])
    const res = await api(on(1), "DELETE", `/api/conversations/${id}/participants/${dave!.id}`, {
      auth: admin,
    })
    expect(res.status).toBe(200)
    await removed
    const [ack, leaked1, leaked3, toErin] = await Promise.all([
      adm!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "after" }),
      nothingWithin(d1!, "new_message", 500),
      nothingWithin(d3!, "new_message", 500),
      waitFor(e3!, "new_message", (m) => m.message.text === "after"),
    ])
    expect(ack.ok).toBe(true)
    expect(toErin.seq).toBe(ack.message.seq)
    expect([leaked1, leaked3]).toEqual([true, true])
    // Node 3's cache heard of the removal: dave's send there is refused, as on node 2.
    const refused = await d3!
      .timeout(5000)
      .emitWithAck("send_message", { conversationId: id, text: "still here?" })
    expect(refused).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } })
  })

  test("a new name on node 1: teammates on node 3 hear it, and the user's socket on node 2 speaks under it", async () => {
    const [fay, gil] = await Promise.all(["fay", "gil"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), fay!, [gil!])
    const [f2, g3] = await Promise.all([connect(on(1), fay!), connect(on(2), gil!)])
    await Promise.all([joinRoom(f2!, id), joinRoom(g3!, id)])
    const [res, told] = await Promise.all([
      api(on(0), "PATCH", "/api/me", { auth: fay, body: { displayName: "Fay Renamed" } }),
      waitFor(g3!, "user_updated"),
    ])
    expect([res.status, told.user.displayName]).toEqual([200, "Fay Renamed"])
    const [ack, heard] = await Promise.all([
      f2!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "new name" }),
      waitFor(g3!, "new_message"),
    ])
    expect([ack.message.sender.displayName, heard.message.sender.displayName]).toEqual([
      "Fay Renamed",
      "Fay Renamed",
    ])
  })

  test("the message limit holds across nodes: spreading sockets over nodes does not pass it", async () => {
    const [frank, gina] = await Promise.all(["frank", "gina"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), frank!, [gina!])
    const sockets = await Promise.all([0, 1, 2].map((i) => connect(on(i), frank!)))
    // 3 x 30 sends at once against one budget of 40 (burst) plus 20 a second: one node's memory would let 90 in.
    const acks = await Promise.all(
      sockets.flatMap((s, n) =>
        Array.from({ length: 30 }, (_, i) =>
          s!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: `n${n} ${i}` }),
        ),
      ),
    )
    const accepted = acks.filter((x) => x.ok).length
    const limited = acks.filter((x) => !x.ok && x.error.code === "RATE_LIMITED")
    expect(accepted + limited.length).toBe(90)
    expect(accepted).toBeGreaterThanOrEqual(40)
    expect(accepted).toBeLessThan(70)
    expect(limited[0].error.retryAfterMs).toBeGreaterThan(0)
  })

  test("failed logins are counted across nodes: a guesser moving to another node is slowed down there", async () => {
    const owner = await signUp(on(0), "owner")
    const guess = (node: number) =>
      api(on(node), "POST", "/api/auth/login", {
        body: { email: owner.email, password: "wrong guess" },
      }).then((r) => r.status)
    const first: number[] = []
    for (let i = 0; i < 4; i++) first.push(await guess(0))
    const second: number[] = []
    for (let i = 0; i < 3; i++) second.push(await guess(1))
    // The fifth failure for this email (any node) makes the next attempt wait (LOGIN_SLOWDOWN_AFTER 5).
    expect(first).toEqual([401, 401, 401, 401])
    expect(second).toEqual([401, 429, 429])
  })

  test("concurrent sends from all three nodes to one conversation: every seq once, none missing", async () => {
    const people = await Promise.all(["p0", "p1", "p2"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), people[0]!, people.slice(1))
    const sockets = await Promise.all(people.map((u, i) => connect(on(i), u)))
    const acks = await Promise.all(
      sockets.flatMap((s, n) =>
        Array.from({ length: 30 }, (_, i) =>
          s!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: `${n}.${i}` }),
        ),
      ),
    )
    expect(acks.every((x) => x.ok)).toBe(true)
    const seqs = stored()(id)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    expect(new Set(acks.map((x) => x.message.seq)).size).toBe(90)
  })

  test("a node stopped gracefully tells and disconnects its own clients only: the other nodes' stay and chat on", async () => {
    const [jo, kim, lee] = await Promise.all(["jo", "kim", "lee"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), jo!, [kim!, lee!])
    const extra = await cluster.start()
    try {
      const [j, k, l] = await Promise.all([
        connect(on(0), jo!),
        connect(on(1), kim!),
        connect(on(extra), lee!),
      ])
      await Promise.all([j, k, l].map((s) => joinRoom(s!, id)))
      const told = { j: collect(j!, "server_shutdown"), k: collect(k!, "server_shutdown") }
      const leaving = collect(l!, "server_shutdown")
      const dropped: string[] = []
      j!.on("disconnect", () => dropped.push("jo"))
      k!.on("disconnect", () => dropped.push("kim"))
      await extra.stop("SIGTERM")
      expect(leaving).toHaveLength(1)
      // Redis carries broadcasts in a few milliseconds: anything misdirected would be here by now.
      await Bun.sleep(300)
      expect(told.j).toHaveLength(0)
      expect(told.k).toHaveLength(0)
      expect(dropped).toEqual([])
      const heard = collect(k!, "new_message")
      const ack = await j!
        .timeout(5000)
        .emitWithAck("send_message", { conversationId: id, text: "still here" })
      expect(ack.ok).toBe(true)
      await until(() => heard.length === 1, 5000, "the message on the other node")
      expect(heard[0].message.text).toBe("still here")
    } finally {
      await extra.stop("SIGKILL")
    }
  })

  test("node 2 killed under traffic: its client reconnects to node 3, syncs, and holds every acknowledged message once", async () => {
    const [hal, ivy] = await Promise.all(["hal", "ivy"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), hal!, [ivy!])
    const [h1, i2] = await Promise.all([connect(on(0), hal!), connect(on(1), ivy!)])
    await joinRoom(h1!, id)
    // Ivy's client: messages by seq, and a cursor that moves while events arrive in order.
    let cursor = (await joinRoom(i2!, id)).lastSeq as number
    const held = new Map<number, number>()
    i2!.on("new_message", (e) => {
      if (e.seq <= cursor) return
      held.set(e.seq, e.message.id)
      if (e.seq === cursor + 1) cursor = e.seq
    })
    const acked: { seq: number; id: number }[] = []
    let sending = true
    const traffic = (async () => {
      for (let i = 0; sending && i < 200; i++) {
        const ack = await h1!
          .timeout(5000)
          .emitWithAck("send_message", { conversationId: id, text: `t${i}`, clientMessageId: `kill-${i}` })
        if (ack.ok) acked.push({ seq: ack.message.seq, id: ack.message.id })
        await Bun.sleep(5)
      }
    })()
    await until(() => acked.length >= 20, 10_000, "traffic before the kill")
    await nodes[1]!.stop("SIGKILL")
    await until(() => acked.length >= 40, 10_000, "node 1 to go on serving after node 2 died")
    sending = false
    await traffic
    // The recipe: reconnect elsewhere, join, sync from the cursor, drop what is not above it.
    const i3 = await connect(on(2), ivy!)
    await joinRoom(i3, id)
    let after = cursor
    for (;;) {
      const ack = await i3.timeout(5000).emitWithAck("sync", { conversations: { [id]: after }, limit: 100 })
      const page = ack.conversations[0]
      for (const e of page.events) {
        expect(e.seq).toBeGreaterThan(after)
        if (e.type === "new_message") held.set(e.seq, e.data.message.id)
      }
      if (!page.hasMore) break
      after = page.events.at(-1).seq
    }
    for (const a of acked) expect(held.get(a.seq)).toBe(a.id)
    const ids = [...held.values()]
    expect(new Set(ids).size).toBe(ids.length)
  })

  test("/readyz says 503 while Redis is away and 200 once it is back; broadcasts cross nodes again", async () => {
    await cluster.redis.stop()
    const status = () => fetch(`${nodes[0]!.url}/readyz`).then((r) => r.status)
    let seen = 0
    for (let i = 0; i < 100 && seen !== 503; i++) {
      seen = await status()
      await Bun.sleep(50)
    }
    expect(seen).toBe(503)
    await cluster.redis.restart()
    let back = 0
    for (let i = 0; i < 200 && back !== 200; i++) {
      back = await status()
      await Bun.sleep(50)
    }
    expect(back).toBe(200)
    const [jo, kim] = await Promise.all(["jo", "kim"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), jo!, [kim!])
    const [j, k] = await Promise.all([connect(on(0), jo!), connect(on(2), kim!)])
    await Promise.all([joinRoom(j!, id), joinRoom(k!, id)])
    const [ack, got] = await Promise.all([
      j!.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "after redis" }),
      waitFor(k!, "new_message", () => true, 10_000),
    ])
    expect(got.seq).toBe(ack.message.seq)
  })
})
