/**
 * Pretty logs for a terminal: one line per record, so one line per request and per socket event
 * (pino-pretty's default puts every field on a line of its own: 7 or 8 lines per request).
 */
import type { DestinationStream } from "pino"
import pretty, { type MessageFormatFunc } from "pino-pretty"

// pino's own keys (pino-pretty shows the time, level and pid itself), and the service name every
// line would repeat.
const NOT_SHOWN = new Set(["level", "time", "msg", "pid", "service", "hostname"])

/** The pino-pretty stream: time, level, then what happened and its fields on the same line. */
export function prettyStream(destination: DestinationStream) {
  return pretty({ colorize: true, sync: true, hideObject: true, messageFormat: oneLine, destination })
}

const oneLine: MessageFormatFunc = (log, _messageKey, _level, { colors }) => {
  const { head, shown } = headOf(log)
  const rest = Object.entries(log)
    .filter(([key, value]) => !NOT_SHOWN.has(key) && !shown.includes(key) && !empty(value))
    // The banner's message already says its version, URLs and database: do not say them twice.
    .filter(([, value]) => !saidIn(head, value))
    // A request id's first 8 characters are enough to tell a terminal's requests apart.
    .map(([key, value]) => `${key}=${key === "requestId" ? String(value).slice(0, 8) : text(value)}`)
  return rest.length ? `${head} ${colors.gray(rest.join(" "))}` : head
}

/** What happened, in words, and the fields those words already show. */
function headOf(log: Record<string, unknown>): { head: string; shown: string[] } {
  const msg = String(log.msg ?? "")
  if (log.event === "http")
    return {
      head: `${log.method} ${log.path} ${log.status} ${log.ms}ms`,
      shown: ["event", "method", "path", "status", "ms", "msg"],
    }
  // A socket event: its name and outcome; the message only when it explains a refusal.
  if (log.socketId !== undefined && typeof log.outcome === "string") {
    const why = log.outcome === "ok" || msg === log.event ? "" : `: ${msg}`
    return { head: `${log.event} ${log.outcome} ${log.ms}ms${why}`, shown: ["event", "outcome", "ms"] }
  }
  return { head: msg, shown: [] }
}

function text(value: unknown): string {
  // An error keeps its stack: the one record worth more than a line.
  if (value instanceof Object && "stack" in value && typeof value.stack === "string")
    return `\n${value.stack}`
  if (typeof value === "string") return /[\s"=]/.test(value) || value === "" ? JSON.stringify(value) : value
  return JSON.stringify(value)
}

function saidIn(head: string, value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every((v) => saidIn(head, v))
  return (typeof value === "string" && value.length > 2 && head.includes(value)) || false
}

const empty = (value: unknown) => value === undefined || (Array.isArray(value) && value.length === 0)
