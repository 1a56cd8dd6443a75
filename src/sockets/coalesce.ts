/**
 * Pointer moves go out at most once per window per (conversation, user, pointer): the first at
 * once, the latest of any that follow at the window's end. A client marking every message read as
 * it scrolls then costs the room a few events a second, not one per message.
 */
export function createCoalescer<T>(windowMs: number, send: (value: T) => void) {
  const windows = new Map<string, { pending?: T; timer?: ReturnType<typeof setTimeout> }>()

  const open = (key: string) => {
    const entry: { pending?: T; timer?: ReturnType<typeof setTimeout> } = {}
    entry.timer = setTimeout(() => {
      windows.delete(key)
      if (entry.pending === undefined) return
      send(entry.pending)
      open(key)
    }, windowMs)
    windows.set(key, entry)
  }

  return {
    push(key: string, value: T): void {
      const w = windows.get(key)
      if (w) w.pending = value
      else {
        send(value)
        open(key)
      }
    },
    /** Drops what is pending and every timer. */
    stop(): void {
      for (const w of windows.values()) clearTimeout(w.timer)
      windows.clear()
    },
  }
}
