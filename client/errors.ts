/** The one error every failed call rejects with: the server's code, or what the client saw happen. */
import type { ErrorBody } from "../src/errors.ts"

/**
 * Codes the client gives when there was no answer: DISCONNECTED (the connection dropped before the
 * answer: the request may or may not have been applied), TIMEOUT (no answer in time), CLOSED (the
 * client was closed).
 */
export type ClientErrorCode = "DISCONNECTED" | "TIMEOUT" | "CLOSED"

/** A refusal from the server (`code` as in the README's error codes), or a request left unanswered. */
export class CauserieError extends Error {
  readonly code: ErrorBody["code"] | ClientErrorCode
  /** The offending field, for BAD_REQUEST. */
  readonly field?: string
  /** When to try again, for RATE_LIMITED and UNAVAILABLE. */
  readonly retryAfterMs?: number
  /** The HTTP status, for HTTP calls. */
  readonly status?: number

  constructor(
    body: { code: CauserieError["code"]; message: string; field?: string; retryAfterMs?: number },
    status?: number,
  ) {
    super(body.message)
    this.name = "CauserieError"
    this.code = body.code
    if (body.field !== undefined) this.field = body.field
    if (body.retryAfterMs !== undefined) this.retryAfterMs = body.retryAfterMs
    if (status !== undefined) this.status = status
  }

  /** True when nothing came back, so sending again (with the same clientMessageId) is the way on. */
  get unanswered(): boolean {
    return this.code === "DISCONNECTED" || this.code === "TIMEOUT" || this.code === "UNAVAILABLE"
  }
}
