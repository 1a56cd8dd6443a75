/** The typed Socket.IO server and socket of this application, and what every event module receives. */
import type { Server, Socket } from "socket.io"
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "../contract.ts"
import type { Logger } from "../logger.ts"
import type { Services } from "../services/index.ts"
import type { eventHandler } from "./handle.ts"

// biome-ignore lint/complexity/noBannedTypes: no inter-server events yet
type InterServerEvents = {}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>

export interface SocketDeps {
  socket: ChatSocket
  services: Services
  logger: Logger
  /** Registers an event through the one wrapper (validation, acknowledgement, errors, logs, metrics). */
  on: ReturnType<typeof eventHandler>
}
