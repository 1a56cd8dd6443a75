/** Domain events that services publish and the socket layer turns into room broadcasts. */
import type { Message, MessageReadPayload } from "./contract.ts"

export interface DomainEvents {
  /** A message committed; published in commit (= id) order. */
  message_created: Message
  message_read: MessageReadPayload
}

type Listener<T> = (payload: T) => void

/** A tiny typed publish/subscribe; listeners run synchronously, in subscription order. */
export class EventBus<Events extends object = DomainEvents> {
  readonly #listeners = new Map<keyof Events, Listener<never>[]>()

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
    for (const listener of this.#listeners.get(name) ?? []) (listener as Listener<Events[K]>)(payload)
  }
}
