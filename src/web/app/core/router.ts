/**
 * A tiny router on the History API: `path` is a signal, `navigate` pushes, `<Link>` catches plain
 * clicks. Every client route is also served by the server (src/web/app/serve.ts), so a reload or a
 * deep link lands on the same screen.
 */
import { signal } from "@preact/signals"

/** The current path (no query string). */
export const path = signal(location.pathname)
/** The current query string's parameters. */
export const query = signal(new URLSearchParams(location.search))

/** Goes to `to` (a path with an optional query); `replace` keeps the history entry. */
export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return
  history[replace ? "replaceState" : "pushState"](null, "", to)
  sync()
}

function sync(): void {
  path.value = location.pathname
  query.value = new URLSearchParams(location.search)
}
addEventListener("popstate", sync)

/** The parameters of `pattern` (`/c/:id`) in `current`, or null when it does not match. */
export function match(pattern: string, current: string): Record<string, string> | null {
  const want = pattern.split("/")
  const have = current.replace(/\/+$/, "").split("/")
  if (current === "/") have.splice(1, 1, "")
  if (want.length !== have.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const h = have[i]!
    if (w.startsWith(":")) {
      if (!h) return null
      params[w.slice(1)] = decodeURIComponent(h)
    } else if (w !== h) return null
  }
  return params
}

/** For an <a>'s onClick: a plain left click navigates in the page, others (new tab...) go to the browser. */
export function followLink(event: MouseEvent): void {
  const a = event.currentTarget as HTMLAnchorElement
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  if (a.target || a.origin !== location.origin) return
  event.preventDefault()
  navigate(a.pathname + a.search)
}
