/**
 * Order across nodes, on the receiving side. Each node publishes its own commits in `seq` order, but
 * node B's write 11 reaches B's members at once while A's write 10 comes through Redis a moment
 * later. So every sequenced broadcast to a conversation passes through here before it reaches this
 * node's sockets: the next expected `seq` goes out at once, one ahead of it waits for the missing
 * ones, and after `gapWaitMs` (a broadcast lost with Redis, a node killed between its commit and its
 * publish) the missing events are read from the database and go out first. Nothing goes out twice:
 * whatever is below the next expected seq was delivered (or is older than the room) and is dropped.
 *
 * State is kept only for conversations whose room has sockets on this node: it starts when the room
 * forms here, from the conversation's last seq in the database (a joiner gets what came before
 * through `conversation_joined` and `sync`), and ends when the room's last socket leaves.
 */
import type { StoredEvent } from "../contract.ts"
import { SEQUENCED_EVENTS } from "../schemas/sequenced.ts"

/** The broadcasts that carry a conversation's `seq`, the list sync replays from. */
export const SEQUENCED_BROADCASTS = new Set<string>(SEQUENCED_EVENTS)

export interface ReorderDeps {
  /** The conversation's last seq in the database, now. */
  lastSeq(conversationId: number): Promise<number>
  /** Its stored events in (after, upTo], oldest first, as the live payloads. */
  stored(
    conversationId: number,
    after: number,
    upTo: number,
  ): Promise<Pick<StoredEvent, "seq" | "type" | "data">[]>
  /** Sends a stored event to this node's members of the conversation. */
  send(conversationId: number, type: string, data: unknown): void
  /** How long an event ahead of a gap waits for the gap to arrive through Redis. */
  gapWaitMs?: number
  /** Events held per conversation before the gap is read from the database at once. */
  maxHeld?: number
  /** Told of every gap filled from the database, with the number of events it read. */
  onFill?: (events: number) => void
}

interface Conversation {
  /** The next seq to deliver; undefined until the last seq is read. */
  next: number | undefined
  /** Events ahead of `next`, by seq: each one's delivery. */
  held: Map<number, () => void>
  timer: ReturnType<typeof setTimeout> | undefined
  filling: boolean
  /** The last seq could not be read: the first event to come sets the order. */
  adopt: boolean
}

/** The reorder step of one node. */
export function createReorder({
  lastSeq,
  stored,
  send,
  gapWaitMs = 1000,
  maxHeld = 1000,
  onFill,
}: ReorderDeps) {
  const conversations = new Map<number, Conversation>()

  /** Delivers from `next` on while the seqs follow; arms the wait for what remains held. */
  function drain(id: number, c: Conversation) {
    if (c.next === undefined) return
    for (let go = c.held.get(c.next); go; go = c.held.get(c.next)) {
      c.held.delete(c.next)
      c.next++
      go()
    }
    clearTimeout(c.timer)
    c.timer = undefined
    if (c.held.size === 0 || c.filling) return
    if (c.held.size >= maxHeld) void fill(id, c)
    else c.timer = setTimeout(() => void fill(id, c), gapWaitMs)
  }

  /** Reads the gap before the lowest held seq from the database and delivers it, in order. */
  async function fill(id: number, c: Conversation) {
    if (c.next === undefined || c.held.size === 0) return
    for (const seq of c.held.keys()) if (seq < c.next) c.held.delete(seq)
    if (c.held.size === 0) return
    c.filling = true
    const upTo = Math.min(...c.held.keys()) - 1
    let read = 0
    try {
      for (const event of await stored(id, c.next - 1, upTo)) {
        // A live event may have filled part of the gap while the database answered.
        if (conversations.get(id) !== c || event.seq < c.next) continue
        c.next = event.seq + 1
        // One that came live meanwhile, but not next in line, goes out as it came.
        const live = c.held.get(event.seq)
        c.held.delete(event.seq)
        if (live) live()
        else {
          read++
          send(id, event.type, event.data)
        }
      }
    } catch {
      // The database did not answer: the members' clients fill the gap with `sync`.
    }
    c.filling = false
    if (conversations.get(id) !== c) return
    onFill?.(read)
    // Seqs the database did not return (an edit of a message deleted since) are skipped, as replay does.
    if (c.next <= upTo) c.next = upTo + 1
    for (const seq of c.held.keys()) if (seq < c.next) c.held.delete(seq)
    drain(id, c)
  }

  return {
    /** A conversation's room formed on this node: its order starts after its last seq now. */
    formed(id: number): void {
      if (conversations.has(id)) return
      const c: Conversation = {
        next: undefined,
        held: new Map(),
        timer: undefined,
        filling: false,
        adopt: false,
      }
      conversations.set(id, c)
      lastSeq(id).then(
        (last) => {
          if (conversations.get(id) !== c) return
          c.next = last + 1
          for (const seq of c.held.keys()) if (seq <= last) c.held.delete(seq)
          drain(id, c)
        },
        () => {
          // Unknown: start from the lowest seq that came meanwhile, or the next to come.
          if (conversations.get(id) !== c) return
          if (c.held.size === 0) c.adopt = true
          else {
            c.next = Math.min(...c.held.keys())
            drain(id, c)
          }
        },
      )
    },
    /**
     * The room's last socket on this node left. What was held goes out now, in order: nobody is left
     * in the room, but a broadcast to a user's room too (`participant_removed`) still has listeners.
     */
    dissolved(id: number): void {
      const c = conversations.get(id)
      if (!c) return
      clearTimeout(c.timer)
      conversations.delete(id)
      for (const seq of [...c.held.keys()].sort((a, b) => a - b)) c.held.get(seq)!()
    },
    /**
     * One sequenced broadcast, from this node or another: `deliver` runs once, in seq order, or
     * never (already delivered, or older than the room here). Without local members it runs at once.
     */
    push(id: number, seq: number, deliver: () => void): void {
      const c = conversations.get(id)
      if (!c) {
        deliver()
        return
      }
      if (c.adopt && c.next === undefined) c.next = seq
      if (c.next !== undefined && seq < c.next) return
      // The usual case: the next one, nothing waiting.
      if (seq === c.next && c.held.size === 0) {
        c.next++
        deliver()
        return
      }
      if (!c.held.has(seq)) c.held.set(seq, deliver)
      if (c.next === seq || c.held.size === 1 || c.held.size >= maxHeld) drain(id, c)
    },
    close(): void {
      for (const c of conversations.values()) clearTimeout(c.timer)
      conversations.clear()
    },
  }
}

export type Reorder = ReturnType<typeof createReorder>
