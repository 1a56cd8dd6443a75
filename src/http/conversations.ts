/** Conversations and their history over HTTP; every route requires a participant. */
import { z } from "zod"
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import { clientEvents } from "../schemas/events.ts"
import { createConversationInput, historyQuery, listQuery, sendMessageInput } from "../schemas/inputs.ts"
import { conversation, conversationDetail, conversationSummary, historyPage } from "../schemas/wire.ts"
import type { Services } from "../services/index.ts"
import { conversationSettingsRoutes } from "./conversationSettings.ts"
import { deliveryRoutes } from "./delivery.ts"
import { describe } from "./describe.ts"
import { pathId, readJson } from "./env.ts"
import { participantRoutes } from "./participants.ts"
import { authedRouter } from "./requireAuth.ts"

const tag = "Conversations"
const params = { id: "The conversation's id" }

/** Routes under /api/conversations. */
export function conversationRoutes(services: Services, config: Config) {
  const app = authedRouter(services.sessions, config)

  app.post(
    "/",
    describe({
      tag,
      summary: "Create a conversation",
      description:
        "The creator of a group is admin, the others members; their devices get conversation_added. A direct " +
        "conversation has one other participant and exists once per pair: creating it again answers 200 with " +
        "the existing one, admitting back a side that had left.",
      body: { schema: createConversationInput },
      ok: {
        201: ["Created, with its participants", conversation],
        200: ["The existing direct conversation", conversation],
      },
      errors: ["FORBIDDEN", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = await readJson(c, createConversationInput)
      const { conversation, created } = await services.conversations.create(c.var.user, input)
      if (created)
        c.var.log.info({ event: "conversation_created", conversationId: conversation.id }, "created")
      return c.json(conversation, created ? 201 : 200)
    },
  )

  app.get(
    "/",
    describe({
      tag,
      summary: "My conversations",
      description:
        "Most recently active first, each with my role, block, last message and pointers (unreadCount counts " +
        "messages from others after my readSeq, up to 1,000). Groups I blocked are left out unless asked for.",
      query: listQuery,
      ok: { 200: ["My conversations", z.object({ conversations: z.array(conversationSummary) })] },
    }),
    async (c) => {
      const { includeBlocked } = parseInput(listQuery, c.req.query())
      const conversations = await services.conversations.list(c.var.user.id, {
        includeBlocked: includeBlocked === "true",
      })
      return c.json({ conversations })
    },
  )

  app.get(
    "/:id",
    describe({
      tag,
      summary: "A conversation",
      params,
      ok: { 200: ["The conversation with its participants, and my own mute", conversationDetail] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const id = pathId(c)
      return c.json(await services.conversations.get(id, c.var.user.id))
    },
  )

  app.get(
    "/:id/messages",
    describe({
      tag,
      summary: "History",
      description: "Newest first; pass nextBefore as `before` for the next page.",
      params,
      query: historyQuery,
      ok: { 200: ["A page of messages", historyPage] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const id = pathId(c)
      const page = parseInput(historyQuery, c.req.query())
      return c.json(await services.messages.history(c.var.user.id, id, page))
    },
  )

  // The same send as the socket event, for clients without a socket (bots, scripts). A retry with
  // the same clientMessageId (or Idempotency-Key header) answers the stored message with 200.
  app.post(
    "/:id/messages",
    describe({
      tag,
      summary: "Send a message",
      description:
        "The same send as the socket event, broadcast the same way. A retry with a clientMessageId used " +
        "before answers the stored message with 200; nothing is stored or broadcast again.",
      params,
      body: { schema: sendMessageInput, omit: ["conversationId"] },
      headers: { "Idempotency-Key": "Stands for clientMessageId (same rules); the header wins" },
      ok: {
        201: ["Stored and broadcast", clientEvents.send_message.ack],
        200: ["Sent before with this clientMessageId: the stored message", clientEvents.send_message.ack],
      },
      errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
    }),
    async (c) => {
      const conversationId = pathId(c)
      const key = c.req.header("idempotency-key")
      const input = await readJson(c, sendMessageInput, {
        conversationId,
        ...(key === undefined ? {} : { clientMessageId: key }),
      })
      const { message, duplicate } = await services.messages.send(c.var.user, input)
      return c.json({ message, duplicate }, duplicate ? 200 : 201)
    },
  )

  app.route("/", participantRoutes(services))
  app.route("/", conversationSettingsRoutes(services))
  app.route("/", deliveryRoutes(services))
  return app
}
