/** Real failures (tables pulled from under the server): INTERNAL, nothing leaked, the server goes on. */
import { beforeAll, expect, test } from "bun:test"
import { api, connect, createConversation, join, signUpAll, type TestUser } from "./helpers/clients.ts"
import { writeDb } from "./helpers/tokens.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"

const h = useTestServer()
let alice: TestUser
let bob: TestUser
beforeAll(async () => {
  ;[alice, bob] = await signUpAll(h, ["alice", "bob"])
})

const INTERNAL = { code: "INTERNAL", message: "Internal server error" }
const LEAKS = /sqlite|sql|message_reads|messages_gone|table|stack|at \w+ \(/i

test("a database failure in a socket event is INTERNAL in the ack and the error event; the socket goes on", async () => {
  const id = await createConversation(h, alice, [bob])
  const [a, b] = await Promise.all([connect(h, alice), connect(h, bob)])
  await Promise.all([join(a, id), join(b, id)])
  const messageId = (await a.emitWithAck("send_message", { conversationId: id, text: "x" })).message.id

  await writeDb(h, "DROP TABLE message_reads")
  const [ack, error] = await Promise.all([
    b.emitWithAck("mark_message_read", { messageId }),
    waitFor(b, "error"),
  ])
  expect(ack).toEqual({ ok: false, error: INTERNAL })
  expect(error).toEqual({ ...INTERNAL, event: "mark_message_read" })
  expect(JSON.stringify([ack, error])).not.toMatch(LEAKS)

  expect(b.connected).toBe(true)
  const [sent, got] = await Promise.all([
    b.emitWithAck("send_message", { conversationId: id, text: "still working" }),
    waitFor(a, "new_message"),
  ])
  expect(sent.ok).toBe(true)
  expect(got.message.id).toBe(sent.message.id)
})

test("a database failure in an HTTP route is a 500 INTERNAL envelope; other routes still answer", async () => {
  const id = await createConversation(h, alice, [bob])
  await writeDb(h, "ALTER TABLE messages RENAME TO messages_gone")
  const res = await api(h, "GET", `/api/conversations/${id}/messages`, { auth: alice })
  expect(res.status).toBe(500)
  expect(res.body).toEqual({ error: INTERNAL })
  expect(JSON.stringify(res.body)).not.toMatch(LEAKS)
  expect((await api(h, "GET", "/healthz")).status).toBe(200)
  expect((await api(h, "GET", "/api/me", { auth: bob })).body.user.id).toBe(bob.id)
})
