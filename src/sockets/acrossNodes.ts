/**
 * What one node tells the others through Redis (Socket.IO's `serverSideEmit`), for the state each
 * node caches or holds for its own sockets. The database stays the truth: a word lost while Redis
 * was away is made good by the caches' short expiry.
 */
import type { ChatServer } from "../contract.ts"
import type { Services } from "../services/index.ts"
import { closeTokenSockets, renameSockets } from "./broadcasts.ts"

/** Wires the cross-node notices of a node that has Redis; returns the function that stops them. */
export function relayAcrossNodes(io: ChatServer, services: Services): () => void {
  const { bus, membership, revocations } = services
  // A membership change on this node reaches the other nodes' caches at once.
  membership.onInvalidate((conversationId) => io.serverSideEmit("membership_changed", conversationId))
  io.on("membership_changed", (conversationId: number) => membership.forget(conversationId))
  // A new name reaches the user's sockets on the other nodes too.
  const offs = [
    bus.on("user_updated", ({ user }) => io.serverSideEmit("user_renamed", user.id, user.displayName)),
    // A logout on this node: the others read the revocation from the database, then close their
    // sockets of that token, so the token is refused everywhere (HTTP, handshakes, open sockets).
    bus.on("token_revoked", ({ userId, tokenId }) => io.serverSideEmit("token_revoked", userId, tokenId)),
  ]
  io.on("user_renamed", (userId: number, displayName: string | null) =>
    renameSockets(io, userId, displayName),
  )
  io.on("token_revoked", (userId: number, tokenId: string) => {
    // Once the list is read, so that no handshake checked against the old one slips in after the close.
    void revocations
      .reload()
      .catch(() => {})
      .then(() => closeTokenSockets(io, userId, tokenId))
  })
  return () => {
    for (const off of offs) off()
  }
}
