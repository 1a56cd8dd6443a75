/**
 * Cookie-authenticated requests must come from an allowed origin: a browser attaches the cookie
 * to requests that other sites start, so the Origin header is what tells them apart. Requests
 * without an Origin come from non-browser clients, which no other site can drive.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: string[],
): boolean {
  if (!origin) return true
  if (allowed.includes("*") || allowed.includes(origin)) return true
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}
