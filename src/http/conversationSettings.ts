/** A conversation's settings over HTTP: rename (admins), and the caller's own block and mute. */
import { Hono } from "hono"
import { clientEvents } from "../schemas/events.ts"
import { updateConversationInput } from "../schemas/inputs.ts"
import { muteInput, muteState } from "../schemas/mute.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { type AppEnv, pathId, readJson } from "./env.ts"

const tag = "Conversations"
const params = { id: "The conversation's id" }

/** Routes under /api/conversations/:id (mounted after the auth guard). */
export function conversationSettingsRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  const { settings } = services

  app.patch(
    "/:id",
    describe({
      tag,
      summary: "Rename a group (admin)",
      description: "conversation_updated to the room.",
      params,
      body: { schema: updateConversationInput, omit: ["conversationId"] },
      ok: { 200: ["The new title", clientEvents.update_conversation.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = await readJson(c, updateConversationInput, {
        conversationId: pathId(c),
      })
      return c.json(await settings.rename(c.var.user, input.conversationId, input.title))
    },
  )
  app.patch(
    "/:id/me",
    describe({
      tag,
      summary: "Mute or unmute for me",
      description:
        "mutedUntil: an ISO-8601 time, or null to unmute. conversation_muted to my own devices. Clients do not " +
        "notify while muted; unread counts go on.",
      params,
      body: { schema: muteInput, omit: ["conversationId"] },
      ok: { 200: ["My mute: null when not muted (or a time already past)", muteState] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const input = await readJson(c, muteInput, { conversationId: pathId(c) })
      return c.json(await settings.mute(c.var.user, input.conversationId, input.mutedUntil))
    },
  )
  const block = (summary: string, description: string) =>
    describe({
      tag,
      summary,
      description,
      params,
      ok: { 200: ["Both sides' block state", clientEvents.block_conversation.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    })
  app.post(
    "/:id/block",
    block("Block", "conversation_blocked to my own devices; a blocked group's room is left."),
    async (c) => c.json(await settings.block(c.var.user, pathId(c))),
  )
  app.delete("/:id/block", block("Unblock", "conversation_unblocked to my own devices."), async (c) =>
    c.json(await settings.unblock(c.var.user, pathId(c))),
  )
  return app
}
