/** Every string the server sends is English, starting with the seed's join confirmation. */
import { expect, test } from "bun:test"
import { connect, createConversation, join, signUp } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { waitFor } from "./helpers/wait.ts"

const h = useTestServer()

test("joining a conversation is confirmed in English, in the acknowledgement and in conversation_joined", async () => {
  const [alice, bob] = await Promise.all(["alice", "bob"].map((n) => signUp(h, n)))
  const id = await createConversation(h, alice!, [bob!])
  const a = await connect(h, alice!)
  const [joined, ack] = await Promise.all([waitFor(a, "conversation_joined"), join(a, id)])
  expect(ack).toMatchObject({ ok: true, conversationId: id, message: "You joined the conversation" })
  expect(joined.message).toBe("You joined the conversation")
})
