/** The usual cast: two members in a fresh conversation, both joined, and a stranger connected. */
import type { Socket } from "socket.io-client"
import { connect, createConversation, join, type TestUser } from "./clients.ts"
import type { TestServer } from "./server.ts"

/** `member1` creates a conversation with `member2`; both sockets join it; `stranger` is only connected. */
export async function twoMembersAndAStranger(
  h: TestServer,
  member1: TestUser,
  member2: TestUser,
  stranger: TestUser,
): Promise<{ id: number; a: Socket; b: Socket; e: Socket }> {
  const id = await createConversation(h, member1, [member2])
  const [a, b, e] = await Promise.all([connect(h, member1), connect(h, member2), connect(h, stranger)])
  await Promise.all([join(a, id), join(b, id)])
  return { id, a, b, e }
}
