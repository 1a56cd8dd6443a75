/** Structured logs: one JSON line per event (pretty on an interactive terminal). */
import pino, { type DestinationStream, type Logger } from "pino"
import { LogDestination } from "./logDestination.ts"
import { prettyStream } from "./prettyLog.ts"

export type { Logger }

export interface LoggerOptions {
  pretty?: boolean
  /** Where JSON lines go instead of stdout (tests read them back). */
  destination?: DestinationStream
}

const OUTPUT = Symbol("causerie.logOutput")

/** Lines this logger could not write (stdout on a full disk, say); 0 for a custom destination. */
export function droppedLines(logger: Logger): number {
  return (logger as Logger & { [OUTPUT]?: LogDestination })[OUTPUT]?.dropped ?? 0
}

/** A pino logger; secrets are redacted wherever they might appear. */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const opts = {
    level,
    base: { service: "causerie" },
    redact: {
      paths: [
        "token",
        "password",
        "*.token",
        "*.password",
        "req.headers.cookie",
        "req.headers.authorization",
        // Never message text or credentials, whatever object carries them.
        "text",
        "*.text",
        "authToken",
        "*.authToken",
        "authorization",
        "*.authorization",
      ],
      censor: "[redacted]",
    },
  }
  if (options.destination) return pino(opts, options.destination)
  // stdout through a destination that drops (and counts) what it cannot write instead of throwing.
  const output = new LogDestination(1)
  // pino-pretty as a stream, not a transport: transports need worker files a compiled binary lacks.
  const logger = options.pretty ? pino(opts, prettyStream(output)) : pino(opts, output)
  return Object.defineProperty(logger, OUTPUT, { value: output })
}
