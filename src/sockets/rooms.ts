/** Room names, only ever built here. */
export const conversationRoom = (conversationId: number) => `conversation:${conversationId}`
export const userRoom = (userId: number) => `user:${userId}`

/** The conversation id of a room name, or undefined for any other room. */
export function conversationOfRoom(room: string): number | undefined {
  return room.startsWith("conversation:") ? Number(room.slice("conversation:".length)) : undefined
}
