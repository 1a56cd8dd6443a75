/** Room names, only ever built here. */
export const conversationRoom = (conversationId: number) => `conversation:${conversationId}`
export const userRoom = (userId: number) => `user:${userId}`

/** The conversation id of a room name, or undefined for any other room. */
export function conversationOfRoom(room: string): number | undefined {
  return room.startsWith("conversation:") ? Number(room.slice("conversation:".length)) : undefined
}

/** The live counts the metrics read: sockets, joined conversation rooms, and their members. */
export function liveCounts(io: {
  of(nsp: "/"): { sockets: Map<string, unknown>; adapter: { rooms: Map<string, Set<string>> } }
}) {
  const conversationRooms = () =>
    [...io.of("/").adapter.rooms].filter(([room]) => conversationOfRoom(room) !== undefined)
  return {
    sockets: () => io.of("/").sockets.size,
    conversationRooms: () => conversationRooms().length,
    roomMemberships: () => conversationRooms().reduce((n, [, members]) => n + members.size, 0),
  }
}
