/** Waiting for socket events: never sleep, except to show that something did not arrive. */
import type { Socket } from "socket.io-client"

/** The next `event` on `s` whose payload satisfies `match`; fails after `ms`. */
export function waitFor<T = any>(
  s: Socket,
  event: string,
  match: (payload: T) => boolean = () => true,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(event, listener)
      reject(new Error(`no "${event}" within ${ms} ms`))
    }, ms)
    const listener = (payload: T) => {
      if (!match(payload)) return
      clearTimeout(timer)
      s.off(event, listener)
      resolve(payload)
    }
    s.on(event, listener)
  })
}

/** Resolves true if no `event` arrives on `s` within `ms`, false (with what arrived) otherwise. */
export function nothingWithin(s: Socket, event: string, ms = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const listener = () => {
      clearTimeout(timer)
      s.off(event, listener)
      resolve(false)
    }
    const timer = setTimeout(() => {
      s.off(event, listener)
      resolve(true)
    }, ms)
    s.on(event, listener)
  })
}

/** Collects every `event` on `s` into an array, live. */
export function collect<T = any>(s: Socket, event: string): T[] {
  const got: T[] = []
  s.on(event, (payload: T) => got.push(payload))
  return got
}

/** Waits until `predicate` holds, polling; for counts that many events build up. */
export async function until(predicate: () => boolean, ms = 10000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
