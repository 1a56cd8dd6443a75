/** Conversations and their history over HTTP; every route requires a participant. */
import { Hono } from "hono"
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import {
  createConversationInput,
  historyQuery,
  idParam,
  listQuery,
  sendMessageInput,
} from "../schemas/inputs.ts"
import type { Services } from "../services/index.ts"
import { conversationSettingsRoutes } from "./conversationSettings.ts"
import { deliveryRoutes } from "./delivery.ts"
import { type AppEnv, readJson } from "./env.ts"
import { participantRoutes } from "./participants.ts"
import { requireAuth } from "./requireAuth.ts"

/** Routes under /api/conversations. */
export function conversationRoutes(services: Services, config: Config) {
  const app = new Hono<AppEnv>()
  app.use(requireAuth(services.sessions, config.corsOrigins, config.trustProxy))

  app.post("/", async (c) => {
    const input = await readJson(c, createConversationInput)
    const { conversation, created } = await services.conversations.create(c.var.user, input)
    if (created) c.var.log.info({ event: "conversation_created", conversationId: conversation.id }, "created")
    return c.json(conversation, created ? 201 : 200)
  })

  app.get("/", async (c) => {
    const { includeBlocked } = parseInput(listQuery, c.req.query())
    const conversations = await services.conversations.list(c.var.user.id, {
      includeBlocked: includeBlocked === "true",
    })
    return c.json({ conversations })
  })

  app.get("/:id", async (c) => {
    const id = parseInput(idParam, c.req.param("id"))
    return c.json(await services.conversations.get(id, c.var.user.id))
  })

  app.get("/:id/messages", async (c) => {
    const id = parseInput(idParam, c.req.param("id"))
    const page = parseInput(historyQuery, c.req.query())
    return c.json(await services.messages.history(c.var.user.id, id, page))
  })

  // The same send as the socket event, for clients without a socket (bots, scripts). A retry with
  // the same clientMessageId (or Idempotency-Key header) answers the stored message with 200.
  app.post("/:id/messages", async (c) => {
    const conversationId = parseInput(idParam, c.req.param("id"))
    const key = c.req.header("idempotency-key")
    const input = await readJson(c, sendMessageInput, {
      conversationId,
      ...(key === undefined ? {} : { clientMessageId: key }),
    })
    const { message, duplicate } = await services.messages.send(c.var.user, input)
    return c.json({ message, duplicate }, duplicate ? 200 : 201)
  })

  app.route("/", participantRoutes(services))
  app.route("/", conversationSettingsRoutes(services))
  app.route("/", deliveryRoutes(services))
  return app
}
