/**
 * The sync recipe, done for the user: keep a cursor (the highest seq held) per followed
 * conversation; on every connection join the rooms, then sync page by page while `hasMore`; live
 * sequenced events that arrive meanwhile wait, and any whose seq is not above the cursor is dropped.
 */
import type { SyncResult } from "../src/contract.ts"
import type { Connection } from "./connection.ts"
import { type ChatEvent, isSequenced, type SequencedEvent } from "./events.ts"

/** How long to wait before catching up again after a failed attempt. */
const CATCH_UP_RETRY_MS = 1000

/** The follower of a connection: `deliver` hears every event, in order per conversation. */
export function createFollower(
  connection: Connection,
  deliver: (event: ChatEvent) => void,
  initial: Record<string, number> = {},
) {
  const { socket, request } = connection
  const cursors = new Map<number, number>(Object.entries(initial).map(([id, seq]) => [Number(id), seq]))
  /** Live sequenced events of conversations being synced, held until their sync is done. */
  const held = new Map<number, SequencedEvent[]>()

  const apply = (event: SequencedEvent) => {
    const cursor = cursors.get(event.conversationId)
    if (cursor === undefined) return deliver(event) // not followed: as it comes
    if (event.seq <= cursor) return
    cursors.set(event.conversationId, event.seq)
    deliver(event)
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
    let want = ids
    let first = true
    while (want.length) {
      const result: SyncResult = await request("sync", {
        conversations: Object.fromEntries(want.map((id) => [String(id), cursors.get(id) ?? 0])),
      })
      want = []
      for (const conversationId of result.gone) {
        cursors.delete(conversationId)
        held.delete(conversationId)
        deliver({ type: "gone", conversationId })
      }
      for (const page of result.conversations) {
        const { conversationId } = page
        for (const { seq, type, data } of page.events)
          apply({ type, conversationId, seq, data, replayed: true } as SequencedEvent)
        if (page.hasMore) want.push(conversationId)
        else {
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
      await request("leave_conversation", { conversationId })
    },
    /** The highest seq held for a followed conversation. */
    cursor: (conversationId: number) => cursors.get(conversationId),
    /** Every cursor, to keep (say, in localStorage) and pass back to `connect` later. */
    cursors: () => Object.fromEntries(cursors) as Record<string, number>,
  }
}
