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

interface Packet {
  type: number
  data?: unknown[]
  nsp?: string
}

const EVENT = 2

/** An adapter class bound to the Bun server that will publish (known once it listens). */
export function topicAdapter(server: () => Server<unknown> | undefined) {
  return class TopicAdapter extends Adapter {
    /** Broadcasts that went through Bun's publish (for metrics and tests). */
    published = 0
    /** Members of a room that are not on a WebSocket yet: while any remain, the room cannot publish. */
    readonly #polling = new Map<Room, Set<SocketId>>()
    /** Sockets already waiting for their upgrade: one listener each, however often they join. */
    readonly #awaitingUpgrade = new Set<SocketId>()

    #engine(id: SocketId): EngineSocket | undefined {
      return this.nsp.sockets.get(id)?.conn as EngineSocket | undefined
    }

    #ws(id: SocketId): BunWebSocket | undefined {
      const transport = this.#engine(id)?.transport
      return transport?.name === "websocket" ? transport.socket : undefined
    }

    #topic(room: Room): string {
      return `${this.nsp.name}#${room}`
    }

    override addAll(id: SocketId, rooms: Set<Room>): void {
      super.addAll(id, rooms)
      const ws = this.#ws(id)
      if (ws) {
        for (const room of rooms) ws.subscribe(this.#topic(room))
        return
      }
      for (const room of rooms) {
        const set = this.#polling.get(room) ?? new Set()
        set.add(id)
        this.#polling.set(room, set)
      }
      // Once upgraded, the socket subscribes to every room it is in by then.
      if (this.#awaitingUpgrade.has(id)) return
      this.#awaitingUpgrade.add(id)
      this.#engine(id)?.once("upgrade", () => {
        this.#awaitingUpgrade.delete(id)
        const upgraded = this.#ws(id)
        for (const room of this.sids.get(id) ?? []) {
          this.#unmarkPolling(room, id)
          upgraded?.subscribe(this.#topic(room))
        }
      })
    }

    override del(id: SocketId, room: Room): void {
      super.del(id, room)
      this.#unmarkPolling(room, id)
      this.#ws(id)?.unsubscribe(this.#topic(room))
    }

    override delAll(id: SocketId): void {
      this.#awaitingUpgrade.delete(id)
      const ws = this.#ws(id)
      for (const room of this.sids.get(id) ?? []) {
        this.#unmarkPolling(room, id)
        ws?.unsubscribe(this.#topic(room))
      }
      super.delAll(id)
    }

    override broadcast(packet: Packet, opts: BroadcastOptions): void {
      if (!this.#publish(packet, opts)) super.broadcast(packet, opts)
    }

    /** Publishes a one-room broadcast natively; false when it must take the ordinary path. */
    #publish(packet: Packet, opts: BroadcastOptions): boolean {
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
      if (room === undefined || this.#polling.get(room)?.size) return false
      // `socket.to(room)` excludes only the sender, which is what a WebSocket's own publish does.
      let publisher: BunWebSocket | Server<unknown> = bun
      if (opts.except?.size) {
        const [sid, ...more] = opts.except
        if (more.length > 0 || sid === undefined || (this.rooms.get(sid)?.size ?? 0) > 1) return false
        const ws = this.rooms.get(room)?.has(sid) ? this.#ws(sid) : undefined
        if (this.rooms.get(room)?.has(sid) && !ws) return false
        if (ws) publisher = ws
      }
      packet.nsp = this.nsp.name
      const encoded = (this as unknown as { encoder: { encode(p: Packet): unknown[] } }).encoder.encode(
        packet,
      )
      if (encoded.length !== 1 || typeof encoded[0] !== "string") return false
      // "4" is Engine.IO's message packet type: the same frame the WebSocket transport would send.
      publisher.publish(this.#topic(room), `4${encoded[0]}`)
      this.published++
      return true
    }

    #unmarkPolling(room: Room, id: SocketId): void {
      const set = this.#polling.get(room)
      if (!set) return
      set.delete(id)
      if (set.size === 0) this.#polling.delete(room)
    }
  }
}
