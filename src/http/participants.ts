/** Participants over HTTP: the same service calls as the socket events. */
import { Hono } from "hono"
import { parseInput } from "../errors.ts"
import { addParticipantsInput, changeRoleInput, idParam } from "../schemas/inputs.ts"
import type { Services } from "../services/index.ts"
import { type AppEnv, readJson } from "./env.ts"

/** Routes under /api/conversations/:id/participants and /leave (mounted after the auth guard). */
export function participantRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  const { participants } = services
  const conversationId = (raw: string | undefined) => parseInput(idParam, raw)

  app.post("/:id/participants", async (c) => {
    const input = await readJson(c, addParticipantsInput, {
      conversationId: conversationId(c.req.param("id")),
    })
    return c.json(await participants.add(c.var.user, input.conversationId, input.userIds), 201)
  })

  app.delete("/:id/participants/:userId", async (c) => {
    const id = conversationId(c.req.param("id"))
    return c.json(await participants.remove(c.var.user, id, parseInput(idParam, c.req.param("userId"))))
  })

  app.patch("/:id/participants/:userId", async (c) => {
    const input = await readJson(c, changeRoleInput, {
      conversationId: conversationId(c.req.param("id")),
      userId: parseInput(idParam, c.req.param("userId")),
    })
    return c.json(await participants.setRole(c.var.user, input.conversationId, input.userId, input.role))
  })

  app.post("/:id/leave", async (c) =>
    c.json(await participants.leave(c.var.user, conversationId(c.req.param("id")))),
  )

  return app
}
