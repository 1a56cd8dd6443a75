/** Domain events that services publish and the socket layer turns into room broadcasts. */
import type { Conversation, Message, MessageReadPayload, PublicUser, ServerPayload } from "./contract.ts"

export interface DomainEvents {
  /** A message committed; published in commit (= seq) order. */
  message_created: Message
  message_edited: ServerPayload<"message_edited">
  message_deleted: ServerPayload<"message_deleted">
  reaction_added: ServerPayload<"reaction_added">
  reaction_removed: ServerPayload<"reaction_removed">
  message_read: MessageReadPayload
  /** Volatile: to the conversation's room, but not to the typist's own devices. */
  typing: ServerPayload<"typing">
  /** Volatile: to `recipients`, the users who share a conversation with the subject. */
  presence: ServerPayload<"presence"> & { recipients: number[] }
  /** A participant's read or delivered pointer moved forward. */
  pointer_moved: ServerPayload<"read_up_to"> & { pointer: "read" | "delivered" }
  participant_added: ServerPayload<"participant_added">
  /** A user became a participant: their devices learn of the whole conversation. */
  conversation_added: { userId: number; conversation: Conversation; by: PublicUser }
  participant_removed: ServerPayload<"participant_removed">
  role_changed: ServerPayload<"role_changed">
  conversation_updated: ServerPayload<"conversation_updated">
  conversation_blocked: { conversationId: number; userId: number; type: "group" | "direct" }
  conversation_unblocked: { conversationId: number; userId: number; type: "group" | "direct" }
  /** A participant muted or unmuted a conversation: their own devices hear it. */
  conversation_muted: ServerPayload<"conversation_muted"> & { userId: number }
  /** Every token of the user was revoked: their sockets must go. */
  sessions_revoked: { userId: number }
  /** One token was revoked (logout): the sockets it opened must go. */
  token_revoked: { userId: number; tokenId: string }
  /**
   * A user's profile changed: `user` as its owner sees it (their devices hear it so); the
   * `recipients`, who share a conversation with them, hear it as others see it.
   */
  /** `locale` when the language changed: for the user's own devices only. */
  user_updated: { user: PublicUser; recipients: number[]; locale?: string | null }
}

type Listener<T> = (payload: T) => void

/** One event of a spread publication; `done` runs once it has gone out. */
type Queued<Events> = { name: keyof Events; payload: unknown; done?: () => void }

/**
 * A tiny typed publish/subscribe; listeners run synchronously, in subscription order, and events go
 * out in the order they were emitted. `spread` publishes many without holding one turn of the event
 * loop for all of them; an `emit` meanwhile waits behind them, so that order still holds.
 */
export class EventBus<Events extends object = DomainEvents> {
  readonly #listeners = new Map<keyof Events, Listener<never>[]>()
  readonly #backlog: Queued<Events>[] = []
  #draining = false

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    const list = this.#listeners.get(name) ?? []
    list.push(listener as Listener<never>)
    this.#listeners.set(name, list)
    return () =>
      this.#listeners.set(
        name,
        (this.#listeners.get(name) ?? []).filter((l) => l !== listener),
      )
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    if (this.#backlog.length > 0) this.#backlog.push({ name, payload })
    else this.#deliver(name, payload)
  }

  /**
   * Publishes `payloads` as `name` in order, `perTurn` at a time, each slice on a turn of the event
   * loop of its own (the first on the next one); `sent(i)` hears each once it has gone out; resolves
   * once the last has.
   */
  spread<K extends keyof Events>(
    name: K,
    payloads: Events[K][],
    perTurn: number,
    sent: (index: number) => void = () => {},
  ): Promise<void> {
    if (payloads.length === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      for (const [i, payload] of payloads.entries()) {
        const last = i === payloads.length - 1
        const done = () => {
          sent(i)
          if (last) resolve()
        }
        this.#backlog.push({ name, payload, done })
      }
      if (!this.#draining) void this.#drain(perTurn)
    })
  }

  async #drain(perTurn: number): Promise<void> {
    this.#draining = true
    while (this.#backlog.length > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      for (const event of this.#backlog.splice(0, perTurn)) {
        try {
          this.#deliver(event.name, event.payload as never)
        } catch {
          // A listener's failure (a broadcast to a closed socket, say) must not hold back the events
          // behind it, nor stop this loop.
        }
        event.done?.()
      }
    }
    this.#draining = false
  }

  #deliver<K extends keyof Events>(name: K, payload: Events[K]): void {
    for (const listener of this.#listeners.get(name) ?? []) (listener as Listener<Events[K]>)(payload)
  }
}
