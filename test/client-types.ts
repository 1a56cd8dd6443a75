/**
 * Compile-time checks of the typed client, enforced by `tsc --noEmit` (never run): each
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import type { CauserieClient, CauserieHttp } from "causerie/client"

export async function wrongPayloadsDoNotCompile(chat: CauserieClient, http: CauserieHttp) {
  // @ts-expect-error a conversation id is a number
  await chat.send("1", { text: "hi" })
  // @ts-expect-error text is a string
  await chat.send(1, { text: 42 })
  // @ts-expect-error no such event
  await chat.request("send_mesage", { conversationId: 1, text: "hi" })
  // @ts-expect-error mark_read needs the seq
  await chat.request("mark_read", { conversationId: 1 })
  // @ts-expect-error a role is "admin" or "member"
  await chat.request("change_role", { conversationId: 1, userId: 2, role: "owner" })
  // @ts-expect-error the raw socket is typed too
  chat.socket.emit("join_conversation", { conversationId: "1" })
  // @ts-expect-error registering needs a password
  await http.register({ email: "a@example.test" })
  // @ts-expect-error participantIds are numbers
  await http.conversations.create({ participantIds: ["2"] })
}

export async function answersAreTyped(chat: CauserieClient) {
  const read = await chat.request("mark_read", { conversationId: 1, seq: 3 })
  const unread: number = read.unreadCount
  // @ts-expect-error the acknowledgement has no such field
  read.lastSeq
  const { message, duplicate } = await chat.send(1, { text: "hi", clientMessageId: "abc" })
  chat.subscribe((event) => {
    if (event.type === "new_message") {
      const text: string | null = event.data.message.text
      // @ts-expect-error a message has no body
      event.data.message.body
      return text
    }
    // @ts-expect-error a read pointer's payload has no message
    if (event.type === "read_up_to") return event.data.message
  })
  return { unread, message, duplicate }
}
