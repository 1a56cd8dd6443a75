/**
 * The socket and typed requests over it: each resolves with the acknowledgement or rejects with a
 * CauserieError; sends carry a clientMessageId and are sent again, with the same id, until answered.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client"
import type {
  Ack,
  AckPayload,
  ClientPayload,
  ClientToServerEvents,
  ServerToClientEvents,
} from "../src/contract.ts"
import type { ClientEventName } from "../src/schemas/events.ts"
import { CauserieError } from "./errors.ts"

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface ConnectionOptions {
  /** The server's origin. */
  url: string
  /** The session token, or a function giving the current one at each (re)connection. */
  token: string | (() => string | undefined)
  /** How long to wait for an acknowledgement once sent (default 10 s). */
  ackTimeoutMs?: number
  /** Passed to socket.io-client (transports, reconnection delays...). */
  socket?: Partial<ManagerOptions & SocketOptions>
}

/** Opens the socket; it reconnects by itself, and after the server ends the session (a restart, say). */
export function openConnection({ url, token, ackTimeoutMs = 10_000, socket: extra = {} }: ConnectionOptions) {
  const tokenOf = typeof token === "function" ? token : () => token
  const socket: ClientSocket = io(url, { auth: (cb) => cb({ token: tokenOf() }), ...extra })
  let closed = false
  let refusal: CauserieError | undefined
  /** Counts connections, so a retry can wait for a new one rather than the one that failed. */
  let epoch = 0
  let reconnectAfterMs = 1000
  const waiters = new Set<() => void>()
  const wake = () => {
    for (const w of [...waiters]) w()
  }

  socket.on("connect", () => {
    epoch++
    refusal = undefined
    wake()
  })
  // A refused handshake (bad token, too many connections) is not retried by socket.io-client.
  socket.on("connect_error", (err) => {
    const code = (err as Error & { data?: { code?: CauserieError["code"] } }).data?.code
    if (code && !socket.active) {
      refusal = new CauserieError({ code, message: err.message })
      wake()
    }
  })
  socket.on("server_shutdown", (notice) => {
    reconnectAfterMs = notice.reconnectAfterMs
  })
  socket.on("disconnect", (reason) => {
    // The server ended the session (a stop, a revoked token): socket.io-client does not come back by
    // itself, so come back after the delay the server asked for; a revoked token is then refused.
    if (reason === "io server disconnect")
      setTimeout(() => {
        if (!closed) socket.connect()
      }, reconnectAfterMs)
  })

  /** Resolves once connected after connection number `after` (now, if already so). */
  function connected(after = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (closed) reject(new CauserieError({ code: "CLOSED", message: "The client was closed" }))
        else if (refusal) reject(refusal)
        else if (socket.connected && epoch > after) resolve()
        else return
        waiters.delete(check)
      }
      waiters.add(check)
      check()
    })
  }

  /** Sends `event` once connected; resolves with its acknowledgement (without `ok`). */
  async function request<E extends ClientEventName>(
    event: E,
    payload: ClientPayload<E>,
  ): Promise<AckPayload<E>> {
    await connected()
    let ack: Ack<AckPayload<E>>
    try {
      const untyped = socket.timeout(ackTimeoutMs) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<Ack<AckPayload<E>>>
      }
      ack = await untyped.emitWithAck(event, payload)
    } catch (err) {
      const code = socket.connected ? "TIMEOUT" : "DISCONNECTED"
      throw new CauserieError({ code, message: `${event}: ${(err as Error).message}` })
    }
    if (!ack.ok) throw new CauserieError(ack.error)
    const { ok: _, ...answer } = ack
    return answer as unknown as AckPayload<E>
  }

  /**
   * Sends a message; a send left unanswered (the connection dropped, the server was stopping, no
   * answer in time) goes again with the same clientMessageId, so the server stores it once.
   */
  async function send(payload: ClientPayload<"send_message">): Promise<AckPayload<"send_message">> {
    const withId = { ...payload, clientMessageId: payload.clientMessageId ?? newId() }
    for (;;) {
      const sentOn = epoch
      try {
        return await request("send_message", withId)
      } catch (err) {
        if (!(err instanceof CauserieError) || !err.unanswered) throw err
        // A timeout on a live connection may go again at once; otherwise wait for the next connection.
        if (err.code !== "TIMEOUT") await connected(sentOn)
      }
    }
  }

  return {
    socket,
    request,
    send,
    connected,
    close() {
      closed = true
      socket.close()
      wake()
    },
  }
}

export type Connection = ReturnType<typeof openConnection>

/** A random id; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function newId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  )
}
