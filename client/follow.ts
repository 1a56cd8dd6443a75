/**
 * The sync recipe, done for the user: keep a cursor (the highest seq held) per followed
 * conversation; on every connection join the rooms, then sync page by page while `hasMore`; live
 * sequenced events that arrive meanwhile wait, and any whose seq is not above the cursor is dropped.
 * A live event that comes after a gap (seq above cursor + 1: an earlier one late, or lost) waits
 * for the gap: the earlier ones arriving live release it, and after `gapWaitMs` a `sync` from the
 * cursor fills the gap. Every event reaches `deliver` once, in seq order.
 */
import type { SyncResult } from "../src/contract.ts"
import type { Connection } from "./connection.ts"
import { type ChatEvent, isSequenced, type SequencedEvent } from "./events.ts"

/** How long to wait before catching up again after a failed attempt. */
const CATCH_UP_RETRY_MS = 1000

export interface FollowerOptions {
  /** How long a live event after a gap waits for the gap before a `sync` fills it (ms). */
  gapWaitMs?: number
}

/** The follower of a connection: `deliver` hears every event, in order per conversation. */
export function createFollower(
  connection: Connection,
  deliver: (event: ChatEvent) => void,
  initial: Record<string, number> = {},
  { gapWaitMs = 1000 }: FollowerOptions = {},
) {
  const { socket, request } = connection
  const cursors = new Map<number, number>(Object.entries(initial).map(([id, seq]) => [Number(id), seq]))
  /** Live sequenced events of conversations being synced, held until their sync is done. */
  const held = new Map<number, SequencedEvent[]>()
  /** Live events after a gap, by conversation and seq, and the wait before a sync fills the gap. */
  const ahead = new Map<number, Map<number, SequencedEvent>>()
  const gapTimers = new Map<number, ReturnType<typeof setTimeout>>()

  const take = (event: SequencedEvent) => {
    cursors.set(event.conversationId, event.seq)
    deliver(event)
  }
  /** Delivers what waited after a gap, while the seqs follow the cursor (all of it when `force`). */
  const flushAhead = (conversationId: number, force = false) => {
    const waiting = ahead.get(conversationId)
    if (!waiting) return
    for (const seq of [...waiting.keys()].sort((a, b) => a - b)) {
      const cursor = cursors.get(conversationId)
      if (cursor === undefined) break
      if (seq > cursor + 1 && !force) break
      const event = waiting.get(seq)!
      waiting.delete(seq)
      if (seq > cursor) take(event)
    }
    if (waiting.size > 0) return
    ahead.delete(conversationId)
    clearTimeout(gapTimers.get(conversationId))
    gapTimers.delete(conversationId)
  }
  const apply = (event: SequencedEvent) => {
    const { conversationId, seq } = event
    const cursor = cursors.get(conversationId)
    if (cursor === undefined) return deliver(event) // not followed: as it comes
    if (seq <= cursor) return
    // A sync page is complete up to its last seq (it may skip seqs: the edits of a deleted message).
    if (seq > cursor + 1 && !event.replayed) {
      const waiting = ahead.get(conversationId) ?? new Map<number, SequencedEvent>()
      waiting.set(seq, event)
      ahead.set(conversationId, waiting)
      if (!gapTimers.has(conversationId))
        gapTimers.set(
          conversationId,
          setTimeout(() => fillGap(conversationId), gapWaitMs),
        )
      return
    }
    take(event)
    flushAhead(conversationId)
  }
  const release = (conversationId: number) => {
    const waiting = held.get(conversationId) ?? []
    held.delete(conversationId)
    for (const event of waiting.sort((a, b) => a.seq - b.seq)) apply(event)
  }

  socket.onAny((type: string, data: { conversationId: number; seq: number }) => {
    if (!isSequenced(type)) return deliver({ type, data } as ChatEvent)
    const event = { type, conversationId: data.conversationId, seq: data.seq, data, replayed: false }
    const waiting = held.get(event.conversationId)
    if (waiting) waiting.push(event as SequencedEvent)
    else apply(event as SequencedEvent)
  })
  socket.on("connect", () => {
    if (cursors.size) catchUpUntilDone([...cursors.keys()])
  })

  /** The gap did not arrive live: sync the conversation from its cursor (unless a sync is under way). */
  function fillGap(conversationId: number) {
    gapTimers.delete(conversationId)
    if (held.has(conversationId) || !cursors.has(conversationId)) return
    held.set(conversationId, [])
    syncFromCursors([conversationId], false).catch(() => {
      release(conversationId)
      // Tried again while connected; a new connection catches up by itself.
      if (ahead.has(conversationId) && !gapTimers.has(conversationId) && socket.connected)
        gapTimers.set(
          conversationId,
          setTimeout(() => fillGap(conversationId), gapWaitMs),
        )
    })
  }

  /**
   * A catch-up that failed (no answer in time, a refusal while the server restarts) leaves the
   * conversations' live events held: it is tried again while connected (a new connection catches up
   * by itself), so they are delivered once the gap is filled, never lost or stuck.
   */
  function catchUpUntilDone(ids: number[]): Promise<void> {
    const attempt = catchUp(ids)
    attempt.catch(() => {
      setTimeout(() => {
        const still = ids.filter((id) => cursors.has(id))
        if (still.length && socket.connected) catchUpUntilDone(still).catch(() => {})
      }, CATCH_UP_RETRY_MS)
    })
    return attempt
  }

  /** Joins and syncs `ids` from their cursors; resolves once every one is caught up. */
  async function catchUp(ids: number[]): Promise<void> {
    for (const id of ids) if (!held.has(id)) held.set(id, [])
    // A refused join (removed, say) is told by the sync below, as `gone` or an inactive page.
    await Promise.all(
      ids.map((conversationId) => request("join_conversation", { conversationId }).catch(() => {})),
    )
    await syncFromCursors(ids, true)
  }

  /** Syncs `ids` page by page from their cursors; live events wait in `held` until each is done. */
  async function syncFromCursors(ids: number[], tellUnlisted: boolean): Promise<void> {
    let want = ids
    let first = tellUnlisted
    while (want.length) {
      const result: SyncResult = await request("sync", {
        conversations: Object.fromEntries(want.map((id) => [String(id), cursors.get(id) ?? 0])),
      })
      want = []
      for (const conversationId of result.gone) {
        cursors.delete(conversationId)
        held.delete(conversationId)
        ahead.delete(conversationId)
        deliver({ type: "gone", conversationId })
      }
      for (const page of result.conversations) {
        const { conversationId } = page
        for (const { seq, type, data } of page.events)
          apply({ type, conversationId, seq, data, replayed: true } as SequencedEvent)
        if (page.hasMore) want.push(conversationId)
        else {
          // Whatever waited after a gap is covered by the sync: what it did not return was skipped.
          flushAhead(conversationId, true)
          release(conversationId)
          deliver({ type: "synced", conversationId, page })
        }
      }
      if (first && result.unlisted.length) deliver({ type: "unlisted", conversations: result.unlisted })
      first = false
    }
  }

  return {
    /** Follows a conversation from `after` (0: from its first event); resolves once caught up. */
    follow(conversationId: number, after = 0): Promise<void> {
      if (!cursors.has(conversationId)) cursors.set(conversationId, after)
      return catchUpUntilDone([conversationId])
    },
    /** Stops following (and hearing) a conversation. */
    async unfollow(conversationId: number): Promise<void> {
      cursors.delete(conversationId)
      held.delete(conversationId)
      ahead.delete(conversationId)
      clearTimeout(gapTimers.get(conversationId))
      gapTimers.delete(conversationId)
      await request("leave_conversation", { conversationId })
    },
    /** The highest seq held for a followed conversation. */
    cursor: (conversationId: number) => cursors.get(conversationId),
    /** Every cursor, to keep (say, in localStorage) and pass back to `connect` later. */
    cursors: () => Object.fromEntries(cursors) as Record<string, number>,
  }
}
