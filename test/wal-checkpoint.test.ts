import { expect, test } from "bun:test"
import { connect, createConversation, join as joinRoom, signUp } from "./helpers/clients.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { until } from "./helpers/wait.ts"
import { messagesInFileAlone } from "./helpers/walFile.ts"

const h = useTestServer()

test("once the writer rests, the log is checkpointed: a copy of the database file alone holds the last message", async () => {
  const [alice, bob] = await Promise.all([signUp(h, "alice"), signUp(h, "bob")])
  const id = await createConversation(h, alice, [bob])
  const socket = await connect(h, alice)
  await joinRoom(socket, id)
  const answer = await socket.emitWithAck("send_message", { conversationId: id, text: "kept in the file" })
  expect(answer.ok).toBe(true)
  await until(
    () => messagesInFileAlone(h.dbPath, "kept in the file") === 1,
    10_000,
    "the message in the database file",
  )
})
