/** What every socket event module receives. */
import type { ChatSocket } from "../contract.ts"
import type { Logger } from "../ops/logger.ts"
import type { Services } from "../services/index.ts"
import type { eventHandler } from "./handle.ts"

export interface SocketDeps {
  socket: ChatSocket
  services: Services
  logger: Logger
  /** Registers an event through the one wrapper (validation, acknowledgement, errors, logs, metrics). */
  on: ReturnType<typeof eventHandler>
}
