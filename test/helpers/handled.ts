/** The client events a server-side socket handles: its named listeners and its dispatch's table. */
const LIFECYCLE = ["disconnecting", "disconnect", "error"]

export function handledEvents(socket: {
  eventNames(): (string | symbol)[]
  listenersAny(): unknown[]
}): string[] {
  const named = socket.eventNames().filter((e) => !LIFECYCLE.includes(String(e))) as string[]
  // One listener for every client event (sockets/handle.ts): the events it has an action for.
  const dispatched = socket.listenersAny().flatMap((l) => (l as { events?: readonly string[] }).events ?? [])
  return [...named, ...dispatched].sort()
}
