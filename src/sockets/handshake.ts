/**
 * What a connected socket keeps of its handshake. authenticate.ts reads the headers, the query and
 * the auth payload before the connection; afterwards only the address is read (the audit log's
 * origin, handle.ts). The rest (every request header, the query, the token itself) would stay with
 * each idle socket for its whole life, more from a browser (cookies, user agent) than in the bench.
 */
import type { ChatSocket } from "../contract.ts"

type Handshake = ChatSocket["handshake"]

const NOTHING = Object.freeze({})

/** A handshake once connected: four fields of its own, the rest empty or derived, shared by all. */
class KeptHandshake implements Handshake {
  constructor(
    readonly address: string,
    readonly secure: boolean,
    readonly xdomain: boolean,
    readonly issued: number,
  ) {}
  get time() {
    return new Date(this.issued).toString()
  }
  get url() {
    return ""
  }
  get headers() {
    return NOTHING
  }
  get query() {
    return NOTHING
  }
  get auth() {
    return NOTHING
  }
}

/** Drops what nothing reads once `socket` is connected. */
export function releaseHandshake(socket: ChatSocket): void {
  const { address, secure, xdomain, issued } = socket.handshake
  ;(socket as { handshake: Handshake }).handshake = new KeptHandshake(address, secure, xdomain, issued)
  // The engine's record of the request, which Socket.IO's handshake shared (headers and query).
  const request = socket.conn.request as unknown as { url?: string; headers?: object; _query?: object }
  request.url = ""
  request.headers = NOTHING
  request._query = NOTHING
}
