/** send_message and mark_message_read: thin wrappers over the message service. */
import { markReadInput, sendMessageInput } from "../schemas.ts"
import type { SocketDeps } from "./types.ts"

/** Registers the message events on one socket; broadcasts come from the service's events. */
export function registerMessageEvents({ socket, services, logger, handle }: SocketDeps) {
  const user = socket.data.user

  socket.on(
    "send_message",
    handle("send_message", sendMessageInput, async (input) => {
      const message = await services.messages.send(user, input)
      logger.info(
        {
          event: "send_message",
          socketId: socket.id,
          userId: user.id,
          conversationId: message.conversationId,
          messageId: message.id,
        },
        "message sent",
      )
      return { message }
    }),
  )

  socket.on(
    "mark_message_read",
    handle("mark_message_read", markReadInput, async ({ messageId }) =>
      services.messages.markRead(user.id, messageId),
    ),
  )
}
