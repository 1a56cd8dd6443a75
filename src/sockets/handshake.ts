/**
 * What a connected socket keeps of its handshake. authenticate.ts reads the headers, the query and
 * the auth payload before the connection; afterwards only the address is read (the audit log's
 * origin, handle.ts). The rest (every request header, the query, the token itself) would stay with
 * each idle socket for its whole life, more from a browser (cookies, user agent) than in the bench.
 */
import type { ChatSocket } from "../contract.ts"

type Handshake = ChatSocket["handshake"]

const NOTHING = Object.freeze({})

/** Drops what nothing reads once `socket` is connected; keeps address, secure, xdomain and times. */
export function releaseHandshake(socket: ChatSocket): void {
  const { address, secure, xdomain, issued, time } = socket.handshake
  const kept: Handshake = {
    address,
    secure,
    xdomain,
    issued,
    time,
    url: "",
    headers: NOTHING,
    query: NOTHING,
    auth: NOTHING,
  }
  ;(socket as { handshake: Handshake }).handshake = kept
  // The engine's record of the request, which Socket.IO's handshake shared (headers and query).
  const request = socket.conn.request as unknown as { url?: string; headers?: object; _query?: object }
  request.url = ""
  request.headers = NOTHING
  request._query = NOTHING
}
