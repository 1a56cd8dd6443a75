/** The address a request came from, for per-address limits. */
import type { Context } from "hono"
import { getConnInfo } from "hono/bun"

/** The peer address, or the first X-Forwarded-For hop when the server sits behind a trusted proxy. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown"
  } catch {
    return "unknown"
  }
}
