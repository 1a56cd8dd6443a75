// Machine ceiling: plain Bun.serve WebSockets with native pub/sub, no Socket.IO.
// A client picks its room with ?room=N; every frame it sends is published to the
// room (sender included) as "<id> <room> <text>" so the generator can run the
// same completeness/order checks as with Socket.IO.
import { serveStalls } from "./limit-stalls.ts"

type Data = { room: string }

let nextId = 0
const metrics = serveStalls()

const server = Bun.serve({
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 3000),
  fetch(req, srv) {
    const url = new URL(req.url)
    if (url.pathname === "/readyz" || url.pathname === "/healthz") return new Response("ok")
    if (url.pathname === "/metrics") return metrics()
    if (url.pathname === "/ws") {
      const room = url.searchParams.get("room") ?? "0"
      if (srv.upgrade(req, { data: { room } })) return undefined
      return new Response("websocket upgrade required", { status: 400 })
    }
    return new Response("not found", { status: 404 })
  },
  websocket: {
    data: {} as Data,
    perMessageDeflate: false,
    idleTimeout: 120,
    open(ws) {
      ws.subscribe(ws.data.room)
    },
    message(ws, frame) {
      server.publish(ws.data.room, `${++nextId} ${ws.data.room} ${String(frame)}`)
    },
  },
})
