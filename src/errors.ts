/** Error codes with a fixed meaning, their HTTP status, and the one body both HTTP and sockets send. */
import type { z } from "zod"

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** An upload whose bytes are of a type UPLOAD_TYPES does not allow. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** The server is stopping, or cannot store data now (a full disk): retry after `retryAfterMs`. */
  UNAVAILABLE: 503,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** The code an HTTP status stands for: each code has its one status. */
export const codeOfStatus = (status: number): ErrorCode | undefined =>
  (Object.keys(ERROR_STATUS) as ErrorCode[]).find((code) => ERROR_STATUS[code] === status)

export interface ErrorBody {
  code: ErrorCode
  message: string
  /** The offending field, for BAD_REQUEST. */
  field?: string
  /** When to try again, for RATE_LIMITED and UNAVAILABLE. */
  retryAfterMs?: number
}

/** An expected failure: its code and message are safe to show to the client. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Pick<ErrorBody, "field" | "retryAfterMs"> = {},
  ) {
    super(message)
    this.name = "AppError"
  }
}

/** How long a client should wait before retrying a write that the storage refused. */
export const STORAGE_RETRY_MS = 5000

/**
 * True when SQLite could not write (a full disk, an I/O error), here or in the error's cause (Drizzle
 * wraps driver errors): nothing is wrong with the request, and the same write may succeed later.
 */
export function isStorageFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (/^SQLITE_(FULL|IOERR)/.test(String((e as { code?: unknown }).code ?? ""))) return true
  }
  return false
}

/** The client-safe body of any error; anything unexpected becomes INTERNAL with nothing leaked. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) return { code: err.code, message: err.message, ...err.details }
  if (isStorageFailure(err)) {
    return {
      code: "UNAVAILABLE",
      message: "The server cannot store data right now; retry shortly",
      retryAfterMs: STORAGE_RETRY_MS,
    }
  }
  return { code: "INTERNAL", message: "Internal server error" }
}

/** A validation failure as BAD_REQUEST naming the first offending field. */
export function fromZodError(error: z.ZodError): AppError {
  const issue = error.issues[0]
  const field = issue?.path.length ? issue.path.join(".") : undefined
  const message = field ? `${field}: ${issue?.message}` : (issue?.message ?? "Invalid payload")
  return new AppError("BAD_REQUEST", message, field ? { field } : {})
}

/** Parses input with a schema, throwing BAD_REQUEST instead of a ZodError. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) throw fromZodError(result.error)
  return result.data
}
