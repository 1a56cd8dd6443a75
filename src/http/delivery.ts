/** Sync and pointers over HTTP: a conversation's events after a seq, and moving my read/delivered pointers. */
import { Hono } from "hono"
import { parseInput } from "../errors.ts"
import { eventsQuery, idParam, pointerInput } from "../schemas/inputs.ts"
import type { Services } from "../services/index.ts"
import { type AppEnv, readJson } from "./env.ts"

/** Routes under /api/conversations/:id (mounted after the auth guard). */
export function deliveryRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  const conversationId = (raw: string | undefined) => parseInput(idParam, raw)

  app.get("/:id/events", async (c) => {
    const id = conversationId(c.req.param("id"))
    const { after, limit } = parseInput(eventsQuery, c.req.query())
    return c.json(await services.sync.events(c.var.user.id, id, after, limit))
  })

  app.post("/:id/read", async (c) => {
    const input = await readJson(c, pointerInput, { conversationId: conversationId(c.req.param("id")) })
    return c.json(await services.pointers.markRead(c.var.user.id, input.conversationId, input.seq))
  })

  app.post("/:id/delivered", async (c) => {
    const input = await readJson(c, pointerInput, { conversationId: conversationId(c.req.param("id")) })
    return c.json(await services.pointers.markDelivered(c.var.user.id, input.conversationId, input.seq))
  })
  return app
}
