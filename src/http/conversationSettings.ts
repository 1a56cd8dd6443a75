/** A conversation's settings over HTTP: rename (admins) and the caller's own block. */
import { Hono } from "hono"
import { parseInput } from "../errors.ts"
import { idParam, updateConversationInput } from "../schemas/inputs.ts"
import type { Services } from "../services/index.ts"
import { type AppEnv, readJson } from "./env.ts"

/** Routes under /api/conversations/:id (mounted after the auth guard). */
export function conversationSettingsRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  const { settings } = services
  const conversationId = (raw: string | undefined) => parseInput(idParam, raw)

  app.patch("/:id", async (c) => {
    const input = await readJson(c, updateConversationInput, {
      conversationId: conversationId(c.req.param("id")),
    })
    return c.json(await settings.rename(c.var.user, input.conversationId, input.title))
  })
  app.post("/:id/block", async (c) =>
    c.json(await settings.block(c.var.user, conversationId(c.req.param("id")))),
  )
  app.delete("/:id/block", async (c) =>
    c.json(await settings.unblock(c.var.user, conversationId(c.req.param("id")))),
  )
  return app
}
