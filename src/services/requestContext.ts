/**
 * Where the request or socket event being served comes from. The HTTP layer and the socket wrapper
 * run each action inside `run`, so the audit log can name the client's address without every
 * service call taking one more parameter.
 */
import { AsyncLocalStorage } from "node:async_hooks"

export interface RequestOrigin {
  /** The client's address (the first X-Forwarded-For hop behind a trusted proxy). */
  address: string
}

/** One context per server: `run` scopes an origin to a call and everything it awaits. */
export function createRequestContext() {
  const storage = new AsyncLocalStorage<RequestOrigin>()
  return {
    run: <T>(origin: RequestOrigin, fn: () => T): T => storage.run(origin, fn),
    /** The address of the client being served, or null outside any request (the command line). */
    address: (): string | null => storage.getStore()?.address ?? null,
  }
}

export type RequestContext = ReturnType<typeof createRequestContext>
