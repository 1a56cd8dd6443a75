import { expect, test } from "bun:test"
import type { Socket } from "socket.io-client"
import { connect, createConversation, join, signUp, type TestUser } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { collect, until } from "./helpers/wait.ts"

const CLIENTS = 20
const PER_CLIENT = 50
const TOTAL = CLIENTS * PER_CLIENT

// 50 sends at once from each client: the point is storage and ordering, not the per-user throttle.
const h = useTestServer({ RATE_LIMIT_MESSAGES_PER_SECOND: "0" })

test(`${CLIENTS} clients send ${PER_CLIENT} messages each at once: stored once, delivered to all in stored order`, async () => {
  const users: TestUser[] = []
  // Registration hashes passwords (argon2id); a few at a time keeps memory and time in check.
  for (let i = 0; i < CLIENTS; i += 5)
    users.push(...(await Promise.all(Array.from({ length: 5 }, (_, j) => signUp(h, `crowd${i + j}`)))))
  const id = await createConversation(h, users[0]!, users.slice(1), "crowd")
  const sockets: Socket[] = await Promise.all(users.map((u) => connect(h, u)))
  const joins = await Promise.all(sockets.map((s) => join(s, id)))
  expect(joins.every((j) => j.ok)).toBe(true)
  const inboxes = sockets.map((s) => collect(s, "new_message"))

  // Every emit leaves before any acknowledgement is awaited.
  const acks: Promise<any>[] = []
  for (let n = 0; n < PER_CLIENT; n++)
    for (const [c, s] of sockets.entries())
      acks.push(s.timeout(20_000).emitWithAck("send_message", { conversationId: id, text: `c${c} n${n}` }))
  const results = await Promise.all(acks)

  expect(results.filter((r) => !r.ok)).toEqual([])
  const ackIds = results.map((r) => r.message.id as number)
  expect(new Set(ackIds).size).toBe(TOTAL)
  for (const [i, r] of results.entries()) {
    expect(r.message.text).toBe(`c${i % CLIENTS} n${Math.floor(i / CLIENTS)}`)
    expect(r.message.sender.id).toBe(users[i % CLIENTS]!.id)
  }

  const stored = h.query<{ id: number; text: string; sender_id: number }>(
    "select id, text, sender_id from messages where conversation_id = ? order by id",
    id,
  )
  expect(stored).toHaveLength(TOTAL)
  expect(new Set(stored.map((r) => r.text)).size).toBe(TOTAL)
  const storedIds = stored.map((r) => r.id)
  expect([...ackIds].sort((x, y) => x - y)).toEqual(storedIds)
  // Each sender's own messages are stored in the order it sent them.
  for (const [c, user] of users.entries()) {
    const mine = stored.filter((r) => r.sender_id === user.id).map((r) => r.text)
    expect(mine).toEqual(Array.from({ length: PER_CLIENT }, (_, n) => `c${c} n${n}`))
  }

  await until(() => inboxes.every((inbox) => inbox.length >= TOTAL), 20_000, "every member has every message")
  for (const inbox of inboxes) {
    const ids = inbox.map((p) => p.message.id as number)
    expect(ids).toEqual(storedIds)
    expect(inbox.every((p) => p.conversationId === id)).toBe(true)
  }
  // Nothing arrives twice later on.
  await new Promise((r) => setTimeout(r, 200))
  expect(inboxes.map((inbox) => inbox.length)).toEqual(Array(CLIENTS).fill(TOTAL))
})
