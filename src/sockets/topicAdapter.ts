/**
 * Room broadcasts through Bun's native pub/sub. Every room is also a Bun topic that the WebSockets
 * of its members subscribe to, so a broadcast to one room is encoded once and handed to Bun once,
 * which writes the same frame to every subscriber in native code instead of a JavaScript loop through
 * Socket.IO and Engine.IO per recipient. The wire format is unchanged: the frame is exactly what
 * Engine.IO would have written. Anything else (several rooms, flags, binary payloads, or a room with a
 * member still on HTTP long-polling) takes Socket.IO's ordinary path.
 */
import type { Server } from "bun"
import { Adapter, type BroadcastOptions, type Room, type SocketId } from "socket.io-adapter"

interface BunWebSocket {
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  publish(topic: string, data: string): number
}

interface EngineSocket {
  transport: { name: string; socket?: BunWebSocket }
  once(event: "upgrade", listener: () => void): void
}

export interface Packet {
  type: number
  data?: unknown[]
  nsp?: string
}

const EVENT = 2

/** What native publishing adds to an adapter. */
export interface NativeTopics {
  /** Publishes a one-room broadcast to this node's members natively; false when it cannot. */
  publishLocally(packet: Packet, opts: BroadcastOptions): boolean
}

/**
 * Makes an adapter's room membership mirror Bun topics and its local one-room broadcasts go out
 * through Bun's publish. Works on any Socket.IO adapter, the in-memory one or a cluster one (which
 * then only decides what also goes to the other nodes).
 */
export function withNativeTopics(
  adapter: Adapter & { published?: number },
  server: () => Server<unknown> | undefined,
): NativeTopics {
  /** Members of a room that are not on a WebSocket yet: while any remain, the room cannot publish. */
  const polling = new Map<Room, Set<SocketId>>()
  /** Sockets already waiting for their upgrade: one listener each, however often they join. */
  const awaitingUpgrade = new Set<SocketId>()
  const engine = (id: SocketId) => adapter.nsp.sockets.get(id)?.conn as EngineSocket | undefined
  const wsOf = (id: SocketId) => {
    const transport = engine(id)?.transport
    return transport?.name === "websocket" ? transport.socket : undefined
  }
  const topic = (room: Room) => `${adapter.nsp.name}#${room}`
  const unmarkPolling = (room: Room, id: SocketId) => {
    const set = polling.get(room)
    if (!set) return
    set.delete(id)
    if (set.size === 0) polling.delete(room)
  }
  adapter.published = 0

  const addAll = adapter.addAll.bind(adapter)
  adapter.addAll = (id: SocketId, rooms: Set<Room>) => {
    addAll(id, rooms)
    const ws = wsOf(id)
    if (ws) {
      for (const room of rooms) ws.subscribe(topic(room))
      return
    }
    for (const room of rooms) {
      const set = polling.get(room) ?? new Set()
      set.add(id)
      polling.set(room, set)
    }
    // Once upgraded, the socket subscribes to every room it is in by then.
    if (awaitingUpgrade.has(id)) return
    awaitingUpgrade.add(id)
    engine(id)?.once("upgrade", () => {
      awaitingUpgrade.delete(id)
      const upgraded = wsOf(id)
      for (const room of adapter.sids.get(id) ?? []) {
        unmarkPolling(room, id)
        upgraded?.subscribe(topic(room))
      }
    })
  }

  const del = adapter.del.bind(adapter)
  adapter.del = (id: SocketId, room: Room) => {
    del(id, room)
    unmarkPolling(room, id)
    wsOf(id)?.unsubscribe(topic(room))
  }

  const delAll = adapter.delAll.bind(adapter)
  adapter.delAll = (id: SocketId) => {
    awaitingUpgrade.delete(id)
    const ws = wsOf(id)
    for (const room of adapter.sids.get(id) ?? []) {
      unmarkPolling(room, id)
      ws?.unsubscribe(topic(room))
    }
    delAll(id)
  }

  function publishLocally(packet: Packet, opts: BroadcastOptions): boolean {
    const bun = server()
    const flags = opts.flags ?? {}
    if (
      !bun ||
      opts.rooms.size !== 1 ||
      packet.type !== EVENT ||
      flags.volatile ||
      flags.compress === false
    ) {
      return false
    }
    const [room] = opts.rooms as Set<Room> & { [Symbol.iterator](): Iterator<Room> }
    if (room === undefined || polling.get(room)?.size) return false
    // `socket.to(room)` excludes only the sender, which is what a WebSocket's own publish does.
    let publisher: BunWebSocket | Server<unknown> = bun
    if (opts.except?.size) {
      const [sid, ...more] = opts.except
      if (more.length > 0 || sid === undefined || (adapter.rooms.get(sid)?.size ?? 0) > 1) return false
      const ws = adapter.rooms.get(room)?.has(sid) ? wsOf(sid) : undefined
      if (adapter.rooms.get(room)?.has(sid) && !ws) return false
      if (ws) publisher = ws
    }
    packet.nsp = adapter.nsp.name
    const encoded = (adapter as unknown as { encoder: { encode(p: Packet): unknown[] } }).encoder.encode(
      packet,
    )
    if (encoded.length !== 1 || typeof encoded[0] !== "string") return false
    // "4" is Engine.IO's message packet type: the same frame the WebSocket transport would send.
    publisher.publish(topic(room), `4${encoded[0]}`)
    adapter.published = (adapter.published ?? 0) + 1
    return true
  }

  return { publishLocally }
}

/** The in-memory adapter with native topics, bound to the Bun server that will publish (known once it listens). */
export function topicAdapter(server: () => Server<unknown> | undefined) {
  return class TopicAdapter extends Adapter {
    /** Broadcasts that went through Bun's publish (for metrics and tests). */
    published = 0
    readonly #topics = withNativeTopics(this, server)

    override broadcast(packet: Packet, opts: BroadcastOptions): void {
      if (!this.#topics.publishLocally(packet, opts)) super.broadcast(packet, opts)
    }
  }
}
