// One simulated chat user's connection, behind a small interface so the same
// closed-loop fanout logic drives both the Socket.IO protocol and raw WebSockets.
import { io, type Socket } from "socket.io-client"
import type { ClientKind } from "./protocol.ts"

export type Delivery = (conversationId: number, id: number, text: string) => void

export interface ChatConn {
  onDelivery: Delivery
  onSendError: (reason: string) => void
  join(conversationId: number): Promise<void>
  send(conversationId: number, text: string): void
  connected(): boolean
  close(): void
}

const noop = () => {}

export function connect(
  kind: ClientKind,
  url: string,
  auth: { userId: number; token: string; room: number },
  timeoutMs: number,
) {
  return kind === "sio" ? connectSio(url, auth, timeoutMs) : connectRaw(url, auth.room, timeoutMs)
}

type NewMessage = {
  conversationId?: number
  message?: { id?: number; conversationId?: number; text?: string }
}
type Ack = { ok?: boolean; error?: unknown } | undefined

function connectSio(
  url: string,
  auth: { userId: number; token: string },
  timeoutMs: number,
): Promise<ChatConn> {
  // forceNew: without it socket.io-client multiplexes every io(url) onto one Manager = one WebSocket.
  const socket: Socket = io(url, {
    auth: { token: auth.token, userId: auth.userId },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false, // a dropped socket must show up as lost deliveries, not be papered over
    timeout: timeoutMs,
  })
  const conn: ChatConn = {
    onDelivery: noop,
    onSendError: noop,
    async join(conversationId) {
      const ack: Ack = await socket.timeout(timeoutMs).emitWithAck("join_conversation", { conversationId })
      if (!ack?.ok) throw new Error(`join_conversation ${conversationId} refused: ${JSON.stringify(ack)}`)
    },
    send(conversationId, text) {
      socket.emit("send_message", { conversationId, text }, (ack: Ack) => {
        if (!ack?.ok) conn.onSendError(JSON.stringify(ack))
      })
    },
    connected: () => socket.connected,
    close: () => socket.disconnect(),
  }
  socket.on("new_message", (p: NewMessage) => {
    const m = p?.message
    conn.onDelivery(Number(m?.conversationId ?? p?.conversationId), Number(m?.id), String(m?.text ?? ""))
  })
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(conn))
    socket.once("connect_error", (err) => {
      socket.disconnect()
      reject(new Error(`connect_error: ${err.message}`))
    })
  })
}

// limit-raw frames: client sends the bare text; server publishes "<id> <room> <text>".
function connectRaw(url: string, room: number, timeoutMs: number): Promise<ChatConn> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws?room=${room}`)
  let open = false
  const conn: ChatConn = {
    onDelivery: noop,
    onSendError: noop,
    join: async () => {}, // the server subscribes the socket to its room on open
    send: (_conversationId, text) => ws.send(text),
    connected: () => open && ws.readyState === WebSocket.OPEN,
    close: () => ws.close(),
  }
  ws.onmessage = (ev) => {
    const frame = String(ev.data)
    const a = frame.indexOf(" ")
    const b = frame.indexOf(" ", a + 1)
    conn.onDelivery(Number(frame.slice(a + 1, b)), Number(frame.slice(0, a)), frame.slice(b + 1))
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close()
      reject(new Error("raw websocket connect timeout"))
    }, timeoutMs)
    ws.onopen = () => {
      open = true
      clearTimeout(timer)
      resolve(conn)
    }
    ws.onerror = () => {
      clearTimeout(timer)
      reject(new Error("raw websocket error"))
    }
  })
}

/** Run async jobs with at most `limit` in flight; connecting thousands at once only measures SYN backlog drops. */
export async function pool<T>(
  items: T[],
  limit: number,
  job: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const i = next++
      await job(items[i] as T, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}
