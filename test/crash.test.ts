/**
 * A crash: a server process killed with SIGKILL in the middle of traffic from 20 clients. After a
 * restart on the same file every acknowledged message is stored exactly once, every conversation's
 * seq is gapless, and the sends that were never answered can be retried safely.
 */
import { Database } from "bun:sqlite"
import { afterAll, afterEach, expect, test } from "bun:test"
import { rmSync } from "node:fs"
import { join } from "node:path"
import type { Socket } from "socket.io-client"
import { closeAll, connect, createConversation, join as joinRoom, type TestUser } from "./helpers/clients.ts"
import { type NodeProcess, startNode } from "./helpers/node.ts"
import { lastSeqOf, range, storedSeqs } from "./helpers/sequence.ts"
import { type TestServer, tempDir } from "./helpers/server.ts"
import { quickUsers } from "./helpers/world.ts"

const CLIENTS = 20
const IN_FLIGHT = 4
const KILL_AFTER_ACKS = 300

const dir = tempDir()
const dbPath = join(dir, "chat.db")
let child: NodeProcess | undefined

afterEach(() => closeAll())
afterAll(async () => {
  await child?.stop("SIGKILL")
  rmSync(dir, { recursive: true, force: true })
})

/** `bun src/index.ts` on the shared file; resolves once it answers /readyz. */
async function startChild(): Promise<TestServer> {
  child = await startNode(dir, { RATE_LIMIT_MESSAGES_PER_SECOND: "0" })
  return { url: child.url, dbPath } as TestServer
}

interface Sent {
  conversationId: number
  clientMessageId: string
  text: string
  sender: TestUser
}

test(`${CLIENTS} clients sending when the process is killed with SIGKILL: after a restart, acknowledged = stored once, seqs gapless`, async () => {
  let h = await startChild()
  const users = await quickUsers(
    h,
    range(1, CLIENTS).map((i) => `crash${i}`),
  )
  const [admin, second] = users as [TestUser, TestUser]
  // One conversation of everyone, and two halves: each client writes to two conversations.
  const all = await createConversation(h, admin, users.slice(1), "all")
  const even = users.filter((_, i) => i > 0 && i % 2 === 0)
  const odd = users.filter((_, i) => i > 1 && i % 2 === 1)
  const halves = [
    await createConversation(h, admin, even, "even"),
    await createConversation(h, second, odd, "odd"),
  ]
  const sockets = await Promise.all(users.map((u) => connect(h, u)))
  await Promise.all(sockets.map((s, i) => Promise.all([joinRoom(s, all), joinRoom(s, halves[i % 2]!)])))

  const attempted: Sent[] = []
  const acked: { sent: Sent; message: any }[] = []
  let killed = false
  const kill = () => {
    if (killed) return
    killed = true
    child!.proc.kill("SIGKILL")
  }
  /** One client's stream: IN_FLIGHT sends at a time, until its connection dies. */
  const stream = (s: Socket, c: number) =>
    Promise.all(
      range(1, IN_FLIGHT).map(async (lane) => {
        for (let n = 0; s.connected; n++) {
          const conversationId = n % 2 ? halves[c % 2]! : all
          const sent = {
            conversationId,
            clientMessageId: `c${c}-l${lane}-n${n}`,
            text: `c${c} ${lane}.${n}`,
            sender: users[c]!,
          }
          attempted.push(sent)
          const { sender: _, ...payload } = sent
          const ack = await s
            .timeout(3000)
            .emitWithAck("send_message", payload)
            .catch(() => undefined)
          if (!ack?.ok) return
          acked.push({ sent, message: ack.message })
          if (acked.length >= KILL_AFTER_ACKS) kill()
        }
      }),
    )
  // The admin renames meanwhile: events other than messages take seqs in the same sequence.
  const rename = (n: number) =>
    sockets[0]!
      .timeout(3000)
      .emitWithAck("update_conversation", { conversationId: all, title: `t${n}` })
      .catch(() => undefined)
  const renames = (async () => {
    for (let n = 0; ; n++) if (!(await rename(n))?.ok) return
  })()
  await Promise.all([...sockets.map(stream), renames])
  expect(killed).toBe(true)
  expect(await child!.proc.exited).not.toBe(0)
  closeAll()

  h = await startChild()
  const db = new Database(dbPath, { readonly: true })
  try {
    const q = { query: (sql: string, ...p: (string | number | null)[]) => db.query(sql).all(...p) as never[] }
    const rowOf = (s: Sent) =>
      db
        .query(
          "select id, seq, conversation_id as conversationId, text from messages where sender_id = ? and client_message_id = ?",
        )
        .all(s.sender.id, s.clientMessageId)
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS)
    for (const { sent, message } of acked) {
      const { id, seq, conversationId, text } = message
      expect(rowOf(sent)).toEqual([{ id, seq, conversationId, text }])
    }
    const conversations = [all, ...halves]
    for (const id of conversations) expect(storedSeqs(q, id)).toEqual(range(1, lastSeqOf(q, id)))

    // The sends never answered: retried with their ids, each is stored once, whether it made it or not.
    const ackedIds = new Set(acked.map((a) => a.sent.clientMessageId))
    const unanswered = attempted.filter((s) => !ackedIds.has(s.clientMessageId))
    expect(unanswered.length).toBeGreaterThan(0)
    const fresh = new Map<number, Socket>()
    for (const s of unanswered) {
      const socket = fresh.get(s.sender.id) ?? (await connect(h, s.sender))
      fresh.set(s.sender.id, socket)
      const stored = rowOf(s)
      const { sender: _, ...payload } = s
      const retry = await socket.timeout(5000).emitWithAck("send_message", payload)
      expect(retry).toMatchObject({ ok: true, duplicate: stored.length === 1 })
      expect(rowOf(s)).toHaveLength(1)
    }
    for (const id of conversations) {
      const last = (db.query("select last_seq as n from conversations where id = ?").get(id) as { n: number })
        .n
      expect(storedSeqs(q, id)).toEqual(range(1, last))
    }
    const total = db.query("select count(*) as n from messages").get() as { n: number }
    expect(total.n).toBe(attempted.length)
  } finally {
    db.close()
  }
})
