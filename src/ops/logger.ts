/** Structured logs: one JSON line per event (pretty on an interactive terminal). */
import pino, { type DestinationStream, type Logger } from "pino"
import pretty from "pino-pretty"

export type { Logger }

export interface LoggerOptions {
  pretty?: boolean
  /** Where JSON lines go instead of stdout (tests read them back). */
  destination?: DestinationStream
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
  // pino-pretty as a stream, not a transport: transports need worker files a compiled binary lacks.
  if (options.pretty) return pino(opts, pretty({ colorize: true, sync: true, ignore: "service" }))
  return options.destination ? pino(opts, options.destination) : pino(opts)
}
