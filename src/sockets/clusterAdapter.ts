/**
 * Several nodes: Socket.IO's Redis Streams adapter carries broadcasts between them (it survives a
 * Redis restart and catches up from the stream). A one-room broadcast still goes out natively to this
 * node's members: it is handed to Redis once, for the other nodes, and to Bun's publish once, for
 * ours, never both to the same socket. Remote broadcasts reach our members the same native way.
 * Order across nodes is the database's `seq`, not the adapter's: a conversation's sequenced
 * broadcasts, ours and the other nodes', reach our members through the reorder step (reorder.ts).
 */
import { createAdapter } from "@socket.io/redis-streams-adapter"
import type { Server } from "bun"
import type { Namespace } from "socket.io"
import { Adapter, type BroadcastOptions, type ClusterAdapter, MessageType } from "socket.io-adapter"
import type { ReorderDeps } from "./reorder.ts"
import { sequencedBroadcast, withReorder } from "./reorderAdapter.ts"
import { type Packet, withNativeTopics } from "./topicAdapter.ts"

interface BroadcastMessage {
  uid?: string
  nsp?: string
  type: MessageType
  data?: {
    packet?: Packet
    opts?: { rooms: string[]; except: string[]; flags?: BroadcastOptions["flags"] }
    requestId?: string
  }
}

/** The parts of the Redis adapter (a ClusterAdapter) this wraps: public in JavaScript, protected in its types. */
type Cluster = Omit<ClusterAdapter, "onMessage" | "publish"> & {
  uid: string
  publish(message: BroadcastMessage): void
  onMessage(message: BroadcastMessage, offset?: string): void
  nodesMap?: Map<string, number>
}

export interface ClusterAdapterOptions {
  streamName?: string
  /** Told, for every broadcast from another node, how long after its XADD it was delivered here. */
  onLag?: (seconds: number) => void
  /** Reads the database for the reorder step (reorder.ts); without it, broadcasts go out as they come. */
  order?: Omit<ReorderDeps, "send">
}

/** The adapter factory for `new Server({ adapter })`; `redis` is a connected node-redis client. */
export function clusterAdapter(
  redis: Parameters<typeof createAdapter>[0],
  server: () => Server<unknown> | undefined,
  { streamName = "causerie", onLag, order }: ClusterAdapterOptions = {},
) {
  const redisAdapter = createAdapter(redis, { streamName, channelPrefix: streamName })
  // Socket.IO calls it with `new`: a plain function that returns the adapter, not an arrow.
  return function clusterAdapterFor(nsp: Namespace) {
    const adapter = redisAdapter(nsp) as unknown as Cluster
    const topics = withNativeTopics(adapter as unknown as Adapter, server)
    /** To this node's members only: natively when it can, else the in-memory adapter's way. */
    const sendHere = (packet: Packet, opts: BroadcastOptions) => {
      if (!topics.publishLocally({ ...packet }, opts)) Adapter.prototype.broadcast.call(adapter, packet, opts)
    }
    const reorder = order && withReorder(adapter as unknown as Adapter, order, sendHere)

    const broadcast = adapter.broadcast.bind(adapter)
    adapter.broadcast = ((packet: Packet, opts: BroadcastOptions) => {
      const sequenced = reorder && sequencedBroadcast(packet, opts)
      if (sequenced) {
        // To the other nodes at once; to ours in seq order, after any earlier seq still on its way here.
        if (!opts.flags?.local) adapter.publish(broadcastMessage(packet, opts))
        reorder.push(sequenced.conversationId, sequenced.seq, () => sendHere(packet, opts))
        return
      }
      if (opts.flags?.local || !topics.publishLocally({ ...packet }, opts))
        return broadcast(packet as never, opts)
      // Published here, so the others must hear it from Redis (without awaiting it: our members already have it).
      adapter.publish(broadcastMessage(packet, opts))
    }) as typeof adapter.broadcast

    const onMessage = adapter.onMessage.bind(adapter)
    adapter.onMessage = (message: BroadcastMessage, offset?: string) => {
      deliver(message, offset)
      // A stream entry's id starts with Redis's clock at XADD (ms), so the lag needs no clock in the message.
      const remote = message.type === MessageType.BROADCAST && message.uid !== adapter.uid
      const xaddMs = offset && remote ? Number.parseInt(offset, 10) : Number.NaN
      if (onLag && Number.isFinite(xaddMs))
        onLag(Math.max(0, performance.timeOrigin + performance.now() - xaddMs) / 1000)
    }
    const deliver = (message: BroadcastMessage, offset?: string) => {
      const { data } = message
      const remoteBroadcast =
        message.type === MessageType.BROADCAST &&
        message.uid !== adapter.uid &&
        message.nsp === nsp.name &&
        data?.requestId === undefined &&
        data?.packet &&
        data.opts
      if (remoteBroadcast) {
        const opts = {
          rooms: new Set(data.opts!.rooms),
          except: new Set(data.opts!.except),
          flags: data.opts!.flags,
        }
        const sequenced = reorder && sequencedBroadcast(data.packet!, opts)
        if (sequenced) {
          if (message.uid) adapter.nodesMap?.set(message.uid, Date.now())
          reorder.push(sequenced.conversationId, sequenced.seq, () => sendHere(data.packet!, opts))
          return
        }
        if (topics.publishLocally(data.packet!, opts)) {
          // Keep the heartbeat's view of the cluster as the adapter's own handler would.
          if (message.uid) adapter.nodesMap?.set(message.uid, Date.now())
          return
        }
      }
      onMessage(message, offset)
    }
    return adapter
  }
}

const broadcastMessage = (packet: Packet, opts: BroadcastOptions): BroadcastMessage => ({
  type: MessageType.BROADCAST,
  data: {
    packet,
    opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags },
  },
})
