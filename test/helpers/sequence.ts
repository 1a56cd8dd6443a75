/** The conversation sequence as clients and the database file see it, and the sync a client runs. */
import type { Socket } from "socket.io-client"
import type { TestServer } from "./server.ts"

/** The live events that take a seq. */
export const SEQUENCED = [
  "new_message",
  "participant_added",
  "participant_removed",
  "role_changed",
  "conversation_updated",
] as const

/** A sequenced event as sync replays it: `type` the live event's name, `data` its payload. */
export interface Sequenced {
  seq: number
  type: string
  data: any
}

/** Every sequenced event `s` hears from now on, in arrival order, in the shape sync gives. */
export function collectSequenced(s: Socket): Sequenced[] {
  const heard: Sequenced[] = []
  for (const type of SEQUENCED) s.on(type, (data: any) => heard.push({ seq: data.seq, type, data }))
  return heard
}

/** from..to, inclusive. */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

/** Every seq stored for a conversation, messages and other events together, in order. */
export const storedSeqs = (h: Pick<TestServer, "query">, conversationId: number): number[] =>
  h
    .query<{ seq: number }>(
      `select seq from messages where conversation_id = ?1
       union all select seq from conversation_events where conversation_id = ?1 order by seq`,
      conversationId,
    )
    .map((r) => r.seq)

/** The conversation's last seq, as stored. */
export const lastSeqOf = (h: Pick<TestServer, "query">, conversationId: number): number =>
  h.query<{ n: number }>("select last_seq as n from conversations where id = ?", conversationId)[0]!.n

/**
 * Syncs one conversation from `after` to its end, page by page; every page, in order. Fails on an
 * unsuccessful answer.
 */
export async function syncPages(s: Socket, conversationId: number, after: number, limit: number) {
  const pages: any[] = []
  for (let from = after; ; ) {
    const ack = await s
      .timeout(5000)
      .emitWithAck("sync", { conversations: { [conversationId]: from }, limit })
    if (!ack.ok) throw new Error(`sync failed: ${JSON.stringify(ack)}`)
    const page = ack.conversations[0]
    pages.push(page)
    if (!page.hasMore) return pages
    from = page.events.at(-1).seq
  }
}
