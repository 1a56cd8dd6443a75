/**
 * Two real nodes on one real Redis and one SQLite file: what each node used to keep for itself
 * (logged-out tokens, presence, typing) holds across nodes.
 */
import { Database } from "bun:sqlite"
import { describe, expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import {
  api,
  connect,
  connectError,
  createConversation,
  join as joinRoom,
  signUp,
  socketFor,
  type TestUser,
} from "./helpers/clients.ts"
import { hasRedis, useNodes } from "./helpers/cluster.ts"
import { nothingWithin, waitFor } from "./helpers/wait.ts"

const GRACE_MS = 300
const ENV = { PRESENCE_GRACE_MS: String(GRACE_MS), NODE_TIMEOUT_MS: "1500", MAX_CONNECTIONS_PER_USER: "3" }

describe.skipIf(!hasRedis)("two nodes: sessions, presence and typing", () => {
  const cluster = useNodes(2, ENV)
  const { on } = cluster

  test("a token logged out on node 1 is refused by node 2: HTTP, new handshakes, and its open socket", async () => {
    const user = await signUp(on(0), "leaver")
    const login = async () =>
      (
        await api(on(0), "POST", "/api/auth/login", {
          body: { email: user.email, password: "correct horse battery" },
        })
      ).body.token as string
    const [laptop, phone] = [await login(), await login()]
    const me = (node: number, token: string) =>
      api(on(node), "GET", "/api/me", { headers: { authorization: `Bearer ${token}` } })
    // Node 2 has read its revocation list and holds sockets of both tokens.
    expect((await me(1, laptop)).status).toBe(200)
    const [onLaptop, onPhone] = await Promise.all([
      connect(on(1), { ...user, token: laptop }),
      connect(on(1), { ...user, token: phone }),
    ])
    const [out, closed] = await Promise.all([
      api(on(0), "POST", "/api/auth/logout", { headers: { authorization: `Bearer ${laptop}` } }),
      waitFor(onLaptop, "disconnect"),
    ])
    expect([out.status, closed]).toEqual([200, "io server disconnect"])
    const refused = await me(1, laptop)
    expect([refused.status, refused.body.error.message]).toEqual([
      401,
      "Authentication token has been revoked",
    ])
    expect((await connectError(socketFor(on(1), { auth: { token: laptop } }))).message).toMatch(/revoked/)
    // The user's other token goes on, on both nodes.
    expect([(await me(0, phone)).status, (await me(1, phone)).status, onPhone.connected]).toEqual([
      200,
      200,
      true,
    ])
  })

  test("the database is the truth: a revocation no node announced is refused everywhere once the 5 s lists are read again", async () => {
    const user = await signUp(on(0), "quiet")
    const me = (node: number) => api(on(node), "GET", "/api/me", { auth: user })
    expect([(await me(0)).status, (await me(1)).status]).toEqual([200, 200])
    // As if a node had revoked it and died before saying so.
    const { jti, exp } = JSON.parse(Buffer.from(user.token.split(".")[1]!, "base64url").toString())
    const db = new Database(cluster.dbPath)
    db.exec("PRAGMA busy_timeout = 5000")
    db.run("INSERT INTO revoked_tokens (token_id, expires_at) VALUES (?, ?)", [jti, exp * 1000])
    db.close()
    for (const node of [0, 1]) {
      let status = 200
      for (let i = 0; i < 200 && status === 200; i++) {
        status = (await me(node)).status
        if (status === 200) await Bun.sleep(50)
      }
      expect(status).toBe(401)
    }
  })

  /** How `viewer` sees `user` in the conversation's participants, asked of node `node`. */
  const seenIn = async (node: number, id: number, viewer: TestUser, user: TestUser) => {
    const res = await api(on(node), "GET", `/api/conversations/${id}`, { auth: viewer })
    const p = res.body.participants.find((x: { id: number }) => x.id === user.id)
    return { online: p.online, lastSeenAt: p.lastSeenAt }
  }
  const presenceOf = (s: Socket, user: TestUser) => waitFor<any>(s, "presence", (p) => p.userId === user.id)

  test("a user on node 1 only is online to a member on node 2, and goes offline there once the last device is gone", async () => {
    const [alice, bob] = await Promise.all(["alice", "bob"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), bob!, [alice!])
    const b = await connect(on(1), bob!)
    const [cameOnline, a1] = await Promise.all([presenceOf(b, alice!), connect(on(0), alice!)])
    expect(cameOnline).toEqual({ userId: alice!.id, online: true, lastSeenAt: null })
    expect(await seenIn(1, id, bob!, alice!)).toEqual({ online: true, lastSeenAt: null })
    // A second device on node 2, then the first leaves: still online, nobody is told anything.
    const a2 = await connect(on(1), alice!)
    const [quiet] = await Promise.all([
      nothingWithin(b, "presence", GRACE_MS + 700),
      Promise.resolve(a1.close()),
    ])
    expect(quiet).toBe(true)
    expect(await seenIn(0, id, bob!, alice!)).toEqual({ online: true, lastSeenAt: null })
    const [gone] = await Promise.all([presenceOf(b, alice!), Promise.resolve(a2.close())])
    expect(gone).toMatchObject({ userId: alice!.id, online: false })
    expect(Date.parse(gone.lastSeenAt)).toBeGreaterThan(0)
    for (const node of [0, 1])
      expect(await seenIn(node, id, bob!, alice!)).toEqual({ online: false, lastSeenAt: gone.lastSeenAt })
    // Back on node 1 within nothing: online again, told once.
    const [again] = await Promise.all([presenceOf(b, alice!), connect(on(0), alice!)])
    expect(again).toEqual({ userId: alice!.id, online: true, lastSeenAt: null })
  })

  test("a reload onto the other node within the grace is no offline blip", async () => {
    const [cid, dan] = await Promise.all(["cid", "dan"].map((n) => signUp(on(0), n)))
    await createConversation(on(0), dan!, [cid!])
    const d = await connect(on(1), dan!)
    const [, c1] = await Promise.all([presenceOf(d, cid!), connect(on(0), cid!)])
    c1.close()
    await connect(on(1), cid!)
    expect(await nothingWithin(d, "presence", GRACE_MS + 700)).toBe(true)
  })

  test("connections per user are counted over both nodes", async () => {
    const eve = await signUp(on(0), "eve")
    await Promise.all([connect(on(0), eve), connect(on(0), eve), connect(on(1), eve)])
    const refused = await connectError(socketFor(on(1), { auth: { token: eve.token } }))
    expect([refused.data?.code, refused.message]).toEqual(["RATE_LIMITED", "At most 3 connections per user"])
  })

  test("a node killed: its users with no device elsewhere go offline for the others, last seen when it died", async () => {
    const [fay, gus] = await Promise.all(["fay", "gus"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), gus!, [fay!])
    const doomed = await cluster.start()
    try {
      const g = await connect(on(1), gus!)
      const [, f] = await Promise.all([presenceOf(g, fay!), connect(on(doomed), fay!)])
      expect(await seenIn(0, id, gus!, fay!)).toEqual({ online: true, lastSeenAt: null })
      f.io.opts.reconnection = false
      const killedAt = Date.now()
      const [gone] = await Promise.all([presenceOf(g, fay!), doomed.stop("SIGKILL")])
      expect(gone).toMatchObject({ userId: fay!.id, online: false })
      expect(Date.parse(gone.lastSeenAt)).toBeLessThanOrEqual(killedAt + 1000)
      expect(await seenIn(0, id, gus!, fay!)).toEqual({ online: false, lastSeenAt: gone.lastSeenAt })
    } finally {
      doomed.proc.kill("SIGKILL")
    }
  })

  test("typing crosses nodes, and a message its author sends through the other node ends it there at once", async () => {
    const [tia, uma] = await Promise.all(["tia", "uma"].map((n) => signUp(on(0), n)))
    const id = await createConversation(on(0), tia!, [uma!])
    const [t1, t2, u2] = await Promise.all([connect(on(0), tia!), connect(on(1), tia!), connect(on(1), uma!)])
    await Promise.all([joinRoom(t1, id), joinRoom(t2, id), joinRoom(u2, id)])
    const [typing] = await Promise.all([
      waitFor(u2, "typing"),
      t1.timeout(5000).emitWithAck("typing", { conversationId: id, state: "typing" }),
    ])
    expect(typing).toEqual({ conversationId: id, userId: tia!.id, state: "typing" })
    const stops: unknown[] = []
    u2.on("typing", (t) => stops.push(t))
    // Sent from her other device, on node 2; the state was set on node 1. Well before its 6 s expiry:
    const [ack, stopped] = await Promise.all([
      t2.timeout(5000).emitWithAck("send_message", { conversationId: id, text: "done typing" }),
      waitFor(u2, "typing", () => true, 3000),
    ])
    expect(ack.ok).toBe(true)
    expect(stopped).toEqual({ conversationId: id, userId: tia!.id, state: "stopped" })
    // Node 1, whose state it was, says nothing more when the device that set it disconnects.
    t1.close()
    expect(await nothingWithin(u2, "typing", 1000)).toBe(true)
    expect(stops).toHaveLength(1)
  })
})
