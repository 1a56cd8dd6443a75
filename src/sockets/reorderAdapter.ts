/** The reorder step (reorder.ts) on a Socket.IO adapter: which broadcasts it orders, and the rooms it follows. */
import type { Adapter, BroadcastOptions } from "socket.io-adapter"
import { createReorder, type Reorder, type ReorderDeps, SEQUENCED_BROADCASTS } from "./reorder.ts"
import { conversationOfRoom, conversationRoom } from "./rooms.ts"
import type { Packet } from "./topicAdapter.ts"

const EVENT = 2

/** The conversation and seq of a sequenced broadcast to its room, or undefined for any other. */
export function sequencedBroadcast(
  packet: Packet,
  opts: BroadcastOptions,
): { conversationId: number; seq: number } | undefined {
  if (packet.type !== EVENT || !SEQUENCED_BROADCASTS.has(packet.data?.[0] as string)) return undefined
  const payload = packet.data?.[1] as { conversationId?: unknown; seq?: unknown } | undefined
  const { conversationId, seq } = payload ?? {}
  if (typeof conversationId !== "number" || typeof seq !== "number") return undefined
  return opts.rooms.has(conversationRoom(conversationId)) ? { conversationId, seq } : undefined
}

/**
 * The reorder step of one adapter: it follows the adapter's conversation rooms as they form and
 * empty on this node, and sends what it reads from the database through `sendHere`.
 */
export function withReorder(
  adapter: Adapter,
  deps: Omit<ReorderDeps, "send">,
  sendHere: (packet: Packet, opts: BroadcastOptions) => void,
): Reorder {
  const reorder = createReorder({
    ...deps,
    send: (conversationId, type, data) =>
      sendHere(
        { type: EVENT, data: [type, data], nsp: adapter.nsp.name },
        { rooms: new Set([conversationRoom(conversationId)]), except: new Set() },
      ),
  })
  adapter.on("create-room", (room: string) => {
    const id = conversationOfRoom(room)
    if (id !== undefined) reorder.formed(id)
  })
  adapter.on("delete-room", (room: string) => {
    const id = conversationOfRoom(room)
    if (id !== undefined) reorder.dissolved(id)
  })
  const close = adapter.close.bind(adapter)
  adapter.close = () => {
    reorder.close()
    return close()
  }
  return reorder
}
