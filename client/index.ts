/**
 * causerie/client: a typed client for Causerie, for Bun, Node and browsers. `createHttp` for the
 * HTTP API; `connect` for the socket, with typed requests, retried sends and the sync recipe.
 *
 *   const http = createHttp({ url })
 *   const { token } = await http.login({ email, password })
 *   const chat = connect({ url, token })
 *   chat.subscribe((e) => e.type === "new_message" && show(e.data.message))
 *   await chat.follow(conversationId)
 *   await chat.send(conversationId, { text: "hello" })
 */
import type { AckPayload, ClientPayload } from "../src/contract.ts"
import type { ClientEventName } from "../src/schemas/events.ts"
import { type ConnectionOptions, openConnection } from "./connection.ts"
import type { ChatEvent } from "./events.ts"
import { createFollower } from "./follow.ts"

export type { ClientSocket, ConnectionOptions } from "./connection.ts"
export { newId } from "./connection.ts"
export { CauserieError, type ClientErrorCode } from "./errors.ts"
export type { ChatEvent, LiveEvent, SequencedEvent, SequencedType, SyncEvent } from "./events.ts"
export { SEQUENCED } from "./events.ts"
export { type CauserieHttp, createHttp, type HttpOptions } from "./http.ts"

export interface ClientOptions extends ConnectionOptions {
  /** Cursors kept from an earlier session (`client.cursors()`): those conversations are followed again. */
  cursors?: Record<string, number>
  /** How long a live event after a gap in `seq` waits for it before a `sync` fills it (ms, default 1000). */
  gapWaitMs?: number
}

/** Connects to a Causerie server; the socket connects in the background and reconnects by itself. */
export function connect(options: ClientOptions) {
  const connection = openConnection(options)
  const listeners = new Set<(event: ChatEvent) => void>()
  const deliver = (event: ChatEvent) => {
    for (const listener of listeners) listener(event)
  }
  const follower = createFollower(connection, deliver, options.cursors, { gapWaitMs: options.gapWaitMs })
  const { request } = connection

  return {
    /** The typed socket.io-client socket, for anything not wrapped here. */
    socket: connection.socket,
    /** Resolves once connected; rejects with the refusal (UNAUTHORIZED, say). */
    ready: () => connection.connected(),
    /** Any client event, typed: resolves with its acknowledgement, rejects with a CauserieError. */
    request: request as <E extends ClientEventName>(
      event: E,
      payload: ClientPayload<E>,
    ) => Promise<AckPayload<E>>,
    /** Sends a message (a clientMessageId is made when not given), sent again until answered. */
    send: (conversationId: number, message: Omit<ClientPayload<"send_message">, "conversationId">) =>
      connection.send({ ...message, conversationId }),
    ...follower,
    /** Moves my read pointer to `seq`, by default the highest seq held. */
    markRead: (conversationId: number, seq = follower.cursor(conversationId) ?? 0) =>
      request("mark_read", { conversationId, seq }),
    markDelivered: (conversationId: number, seq = follower.cursor(conversationId) ?? 0) =>
      request("mark_delivered", { conversationId, seq }),
    /** Every event, in order per conversation; returns the function that unsubscribes. */
    subscribe(listener: (event: ChatEvent) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    /** Closes the socket; requests still waiting reject with CLOSED. */
    close: () => connection.close(),
  }
}

export type CauserieClient = ReturnType<typeof connect>
