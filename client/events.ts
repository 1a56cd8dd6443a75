/** What a UI subscribes to: every server event, sequenced ones in order and once, and sync's news. */
import type { EventsPage, ServerPayload, ServerToClientEvents } from "../src/contract.ts"
import { SEQUENCED_EVENTS } from "../src/schemas/sequenced.ts"

/** The events that carry a conversation's `seq`: kept in order, and dropped when already held. */
export const SEQUENCED = SEQUENCED_EVENTS

export type SequencedType = (typeof SEQUENCED)[number]

/** A sequenced event, live (`replayed: false`) or from a sync page. */
export type SequencedEvent = {
  [T in SequencedType]: {
    type: T
    conversationId: number
    seq: number
    data: ServerPayload<T>
    replayed: boolean
  }
}[SequencedType]

/** Every other server event, as it came (volatile: presence, pointers, notices, errors). */
export type LiveEvent = {
  [E in Exclude<keyof ServerToClientEvents, SequencedType>]: { type: E; data: ServerPayload<E> }
}[Exclude<keyof ServerToClientEvents, SequencedType>]

/** What the sync recipe tells on the way: caught up, no longer visible, active elsewhere. */
export type SyncEvent =
  /** The conversation is caught up: `page` holds the pointers, unread count and participants as they stand. */
  | { type: "synced"; conversationId: number; page: EventsPage }
  /** The caller can no longer see it (left, removed, never a member): it is no longer followed. */
  | { type: "gone"; conversationId: number }
  /** The caller's conversations not followed, with their latest seq. */
  | { type: "unlisted"; conversations: { conversationId: number; lastSeq: number }[] }

export type ChatEvent = SequencedEvent | LiveEvent | SyncEvent

export const isSequenced = (name: string): name is SequencedType =>
  (SEQUENCED as readonly string[]).includes(name)
