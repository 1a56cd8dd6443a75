/** GET /api/me/export: my account, conversations and every message I sent, as one streamed JSON document. */
import { expect, test } from "bun:test"
import { createClient } from "@libsql/client"
import { api, createConversation, type TestUser } from "./helpers/clients.ts"
import type { TestServer } from "./helpers/server.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()

/** Stores `count` messages from `sender` straight in the file: thousands through the API would be slow. */
async function bulkMessages(server: TestServer, conversationId: number, sender: number, count: number) {
  const client = createClient({ url: `file:${server.dbPath}` })
  try {
    await client.execute("PRAGMA busy_timeout = 5000")
    const { rows } = await client.execute({
      sql: "SELECT last_seq FROM conversations WHERE id = ?",
      args: [conversationId],
    })
    const from = Number(rows[0]!.last_seq)
    await client.batch(
      [
        ...Array.from({ length: count }, (_, i) => ({
          sql: "INSERT INTO messages (conversation_id, sender_id, text, seq, created_at) VALUES (?, ?, ?, ?, ?)",
          args: [conversationId, sender, `bulk ${i}`, from + i + 1, Date.now()],
        })),
        { sql: "UPDATE conversations SET last_seq = ? WHERE id = ?", args: [from + count, conversationId] },
      ],
      "write",
    )
  } finally {
    client.close()
  }
}

const exportOf = (user: TestUser) =>
  fetch(`${h.url}/api/me/export`, { headers: { authorization: `Bearer ${user.token}` } })

test("the document: my account, my conversations (also those I left) and only my messages, all of them, in order", async () => {
  const [ada, bea] = await quickUsers(h, ["ada", "bea"])
  const stay = await createConversation(h, ada, [bea], "stay")
  const left = await createConversation(h, bea, [ada], "left")
  await api(h, "POST", `/api/conversations/${left}/messages`, { auth: ada, body: { text: "bye" } })
  await api(h, "POST", `/api/conversations/${left}/leave`, { auth: ada })
  await api(h, "POST", `/api/conversations/${stay}/messages`, { auth: bea, body: { text: "not mine" } })
  await bulkMessages(h, stay, ada.id, 2500)

  const res = await exportOf(ada)
  expect(res.status).toBe(200)
  expect(res.headers.get("content-type")).toStartWith("application/json")
  expect(res.headers.get("content-disposition")).toBe(`attachment; filename="causerie-export-${ada.id}.json"`)
  const doc = await res.json()
  expect(doc.account).toEqual({
    id: ada.id,
    email: ada.email,
    displayName: "ada",
    isAdmin: false,
    locale: null,
    createdAt: expect.any(String),
  })
  expect(doc.conversations.map((c: any) => [c.id, c.title, c.role, c.leftAt === null])).toEqual([
    [stay, "stay", "admin", true],
    [left, "left", "member", false],
  ])
  expect(doc.conversations[0].participants).toEqual([
    { id: ada.id, displayName: "ada" },
    { id: bea.id, displayName: "bea" },
  ])
  expect(doc.messages).toHaveLength(2501)
  expect(doc.messages[0]).toMatchObject({ conversationId: left, text: "bye" })
  expect(doc.messages.at(-1)).toMatchObject({ conversationId: stay, text: "bulk 2499" })
  const ids = doc.messages.map((m: any) => m.id)
  expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b))
  expect(JSON.stringify(doc)).not.toContain("not mine")
})

test("the document arrives in pieces, as it is written", async () => {
  const [cy] = await quickUsers(h, ["cy"])
  const id = await createConversation(h, cy, [])
  await bulkMessages(h, id, cy.id, 3000)
  const reader = (await exportOf(cy)).body!.getReader()
  let chunks = 0
  const parts: Uint8Array[] = []
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks++
    parts.push(r.value)
  }
  expect(chunks).toBeGreaterThan(1)
  expect(JSON.parse(Buffer.concat(parts).toString("utf8")).messages).toHaveLength(3000)
})

test("no token, or a dead one, is 401", async () => {
  expect((await fetch(`${h.url}/api/me/export`)).status).toBe(401)
  expect((await fetch(`${h.url}/api/me/export`, { headers: { authorization: "Bearer nope" } })).status).toBe(
    401,
  )
})
