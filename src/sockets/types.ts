/** The typed Socket.IO server and socket of this application. */
import type { Server, Socket } from "socket.io"
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "../contract.ts"

// biome-ignore lint/complexity/noBannedTypes: no inter-server events yet
type InterServerEvents = {}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
