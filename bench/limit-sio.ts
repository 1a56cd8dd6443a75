// Protocol ceiling: a bare Socket.IO server on the same Bun engine as Causerie,
// speaking the same events but with no auth, no database and no checks.
// Whatever the real server reaches is compared against this.
import { Server as Engine } from "@socket.io/bun-engine"
import { Server } from "socket.io"
import { serveStalls } from "./limit-stalls.ts"

const io = new Server()
const engine = new Engine({ path: "/socket.io/" })
io.bind(engine)

let nextId = 0 // in-memory ids: strictly increasing, like SQLite rowids

io.on("connection", (socket) => {
  const userId = Number(socket.handshake.auth?.userId ?? 0)
  socket.on("join_conversation", (p: { conversationId: number }, ack?: (r: unknown) => void) => {
    socket.join(`c:${p.conversationId}`)
    socket.emit("conversation_joined", { conversationId: p.conversationId })
    ack?.({ ok: true, conversationId: p.conversationId })
  })
  socket.on("send_message", (p: { conversationId: number; text: string }, ack?: (r: unknown) => void) => {
    const message = {
      id: ++nextId,
      conversationId: p.conversationId,
      text: p.text,
      sender: { id: userId },
      createdAt: new Date().toISOString(),
    }
    io.to(`c:${p.conversationId}`).emit("new_message", { conversationId: p.conversationId, message })
    ack?.({ ok: true, message })
  })
})

const { fetch: engineFetch, websocket } = engine.handler()
const metrics = serveStalls()

Bun.serve({
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 3000),
  idleTimeout: 60,
  fetch(req, server) {
    const { pathname } = new URL(req.url)
    if (pathname === "/readyz" || pathname === "/healthz") return new Response("ok")
    if (pathname === "/metrics") return metrics()
    return engineFetch(req, server)
  },
  websocket,
})
