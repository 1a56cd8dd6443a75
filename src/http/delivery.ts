/** Sync and pointers over HTTP: a conversation's events after a seq, and moving my read/delivered pointers. */
import { Hono } from "hono"
import { parseInput } from "../errors.ts"
import { clientEvents } from "../schemas/events.ts"
import { eventsQuery, pointerInput } from "../schemas/inputs.ts"
import { eventsPage } from "../schemas/wire.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { type AppEnv, pathId, readJson } from "./env.ts"

const tag = "Sync"
const params = { id: "The conversation's id" }
const pointerBody = { schema: pointerInput, omit: ["conversationId"] }

/** Routes under /api/conversations/:id (mounted after the auth guard). */
export function deliveryRoutes(services: Services) {
  const app = new Hono<AppEnv>()

  app.get(
    "/:id/events",
    describe({
      tag,
      summary: "Events after a seq (one sync page)",
      description:
        "The stored events after `after`, oldest first, each {seq, type, data} as heard live; hasMore means " +
        "ask again from the last seq. A participant who left or was removed gets them up to their departure.",
      params,
      query: eventsQuery,
      ok: { 200: ["One page", eventsPage] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const id = pathId(c)
      const { after, limit } = parseInput(eventsQuery, c.req.query())
      return c.json(await services.sync.events(c.var.user.id, id, after, limit))
    },
  )

  app.post(
    "/:id/read",
    describe({
      tag,
      summary: "Move my read pointer",
      description:
        "Up to `seq` (never back, never past lastSeq); moves the delivered pointer too. read_up_to to the room.",
      params,
      body: pointerBody,
      ok: { 200: ["Where my pointer stands", clientEvents.mark_read.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const input = await readJson(c, pointerInput, { conversationId: pathId(c) })
      return c.json(await services.pointers.markRead(c.var.user.id, input.conversationId, input.seq))
    },
  )

  app.post(
    "/:id/delivered",
    describe({
      tag,
      summary: "Move my delivered pointer",
      description: "Up to `seq` (never back, never past lastSeq). delivered_up_to to the room.",
      params,
      body: pointerBody,
      ok: { 200: ["Where my pointer stands", clientEvents.mark_delivered.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const input = await readJson(c, pointerInput, { conversationId: pathId(c) })
      return c.json(await services.pointers.markDelivered(c.var.user.id, input.conversationId, input.seq))
    },
  )
  return app
}
