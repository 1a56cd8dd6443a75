/**
 * A runnable client built on the typed client package (causerie/client): signs two users in over
 * HTTP, opens a conversation, and chats over Socket.IO, each side following the conversation (join,
 * sync, live events in order) and marking what it read.
 *
 *   npm start                      # in one terminal
 *   npx bun examples/client.ts     # in another (SERVER_URL defaults to http://localhost:3001)
 */
import { CauserieError, connect, createHttp } from "causerie/client"

const url = process.env.SERVER_URL ?? "http://localhost:3001"

/** Registers, or logs in when the account already exists. */
async function signIn(email: string, password: string, displayName: string) {
  const http = createHttp({ url })
  try {
    return { http, ...(await http.register({ email, password, displayName })) }
  } catch (err) {
    if (!(err instanceof CauserieError && err.code === "CONFLICT")) throw err
    return { http, ...(await http.login({ email, password })) }
  }
}

const alice = await signIn("alice@example.com", "alice-password", "Alice")
const bob = await signIn("bob@example.com", "bob-password", "Bob")
const conversation = await alice.http.conversations.create({
  title: "Example",
  participantIds: [bob.user.id],
})

const a = connect({ url, token: alice.token })
const b = connect({ url, token: bob.token })

b.subscribe((event) => {
  if (event.type === "new_message" && !event.replayed) {
    const { message } = event.data
    console.log(`Bob received from ${message.sender.email}: ${message.text}`)
    b.markRead(conversation.id, event.seq).catch((err) => console.error("mark_read:", err.message))
  }
})
a.subscribe((event) => {
  if (event.type === "read_up_to") console.log(`Read up to ${event.data.seq} by user ${event.data.userId}`)
  if (event.type === "user_joined") console.log(`${event.data.user.email} joined the conversation`)
  if (event.type === "error") console.error("Error:", event.data.message)
})

// Follow: join the room, then catch up on everything stored since seq 0.
await a.follow(conversation.id)
await b.follow(conversation.id)

// Each send carries a clientMessageId: a send cut off by a dropped connection goes again, stored once.
const first = await a.send(conversation.id, { text: "Hello everyone!" })
console.log(`Acknowledged: message ${first.message.id} (seq ${first.message.seq})`)
await a.send(conversation.id, { text: "Thanks for the info!", replyToMessageId: first.message.id })

await new Promise((r) => setTimeout(r, 500))
console.log("Cursors kept by Bob:", b.cursors())
a.close()
b.close()
