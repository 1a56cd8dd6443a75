/**
 * The web client's pages: its HTML entry (bundled by Bun from the HTML import, and embedded by
 * `bun build --compile`) answers every client route, so a deep link such as /c/42 reloads in place.
 * Only these paths: a catch-all would swallow /api, /socket.io, /metrics, /docs and /healthz.
 */
import appPage from "./index.html"

/** Client routes, as Bun.serve `routes` patterns. */
export const CLIENT_ROUTES = [
  "/",
  "/signin",
  "/signup",
  "/invite/:code",
  "/c/:id",
  "/new",
  "/search",
  "/profile",
  "/admin",
] as const

export const appRoutes = Object.fromEntries(CLIENT_ROUTES.map((route) => [route, appPage]))
