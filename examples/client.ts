/**
 * A runnable client: registers (or logs in) two users over HTTP, opens a conversation, and chats
 * over Socket.IO exactly as the seed document shows.
 *
 *   npm start                      # in one terminal
 *   bun examples/client.ts         # in another (SERVER_URL defaults to http://localhost:3001)
 */
import { io, type Socket } from "socket.io-client"

const SERVER_URL = process.env.SERVER_URL ?? "http://localhost:3001"

async function signIn(email: string, password: string, displayName: string) {
  const post = (path: string, body: unknown) =>
    fetch(`${SERVER_URL}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
  let res = await post("/api/auth/register", { email, password, displayName })
  if (res.status === 409) res = await post("/api/auth/login", { email, password })
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as { user: { id: number; email: string }; token: string }
}

function connect(token: string): Promise<Socket> {
  // The seed's way: the token as a query parameter (a browser would rely on the `token` cookie).
  const socket = io(SERVER_URL, { withCredentials: true, query: { token } })
  socket.on("error", (error) => console.error("Erreur:", error.message))
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket))
    socket.once("connect_error", reject)
  })
}

const alice = await signIn("alice@example.com", "alice-password", "Alice")
const bob = await signIn("bob@example.com", "bob-password", "Bob")

const created = await fetch(`${SERVER_URL}/api/conversations`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}` },
  body: JSON.stringify({ title: "Example", participantIds: [bob.user.id] }),
})
const conversation = (await created.json()) as { id: number }

const [a, b] = await Promise.all([connect(alice.token), connect(bob.token)])

b.on("new_message", (data) => {
  console.log(`Bob received from ${data.message.sender.email}: ${data.message.text}`)
  b.emit("mark_message_read", { messageId: data.message.id })
})
a.on("message_read", (data) => console.log(`Message ${data.messageId} lu par utilisateur ${data.userId}`))
a.on("user_joined", (data) => console.log(`${data.user.email} a rejoint la conversation`))
a.on("conversation_joined", (data) => console.log("Conversation rejoint:", data.conversationId, data.message))

await a.emitWithAck("join_conversation", { conversationId: conversation.id })
await b.emitWithAck("join_conversation", { conversationId: conversation.id })

const ack = await a.emitWithAck("send_message", {
  conversationId: conversation.id,
  text: "Salut tout le monde !",
})
console.log("Acknowledged:", ack.ok ? `message ${ack.message.id}` : ack.error)
await a.emitWithAck("send_message", {
  conversationId: conversation.id,
  text: "Merci pour l'info !",
  replyToMessageId: ack.message.id,
})

await new Promise((r) => setTimeout(r, 500))
a.close()
b.close()
