/** Existing messages over HTTP: edit, delete, react; the same service calls as the socket events. */
import type { Context } from "hono"
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import { reactionList } from "../schemas/changes.ts"
import { clientEvents } from "../schemas/events.ts"
import { editMessageInput, reactionInput } from "../schemas/messageInputs.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { type AppEnv, pathId, readJson } from "./env.ts"
import { authedRouter } from "./requireAuth.ts"

const tag = "Messages"
const params = { id: "The message's id" }
const withEmoji = { ...params, emoji: { text: "One emoji, percent-encoded (%F0%9F%91%8D for 👍)" } }

/** Routes under /api/messages. */
export function messageRoutes(services: Services, config: Config) {
  const app = authedRouter(services.sessions, config)
  const { messageChanges, reactions } = services
  // The emoji comes percent-encoded in the path; Hono hands it over decoded.
  const reaction = (c: Context<AppEnv>) =>
    parseInput(reactionInput, { messageId: pathId(c), emoji: c.req.param("emoji") })

  app.patch(
    "/:id",
    describe({
      tag,
      summary: "Edit a message",
      description:
        "The sender, while an unblocked participant, replaces the text of a text message: message_edited to " +
        "the room. A voice message is 400 naming messageId; a deleted one 404.",
      params,
      body: { schema: editMessageInput, omit: ["messageId"] },
      ok: { 200: ["The message as edited, with its seq", clientEvents.edit_message.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = await readJson(c, editMessageInput, { messageId: pathId(c) })
      return c.json(await messageChanges.edit(c.var.user, input.messageId, input.text))
    },
  )

  app.delete(
    "/:id",
    describe({
      tag,
      summary: "Delete a message",
      description:
        "The sender or an admin of the group: message_deleted to the room. The row stays as a tombstone; its " +
        "text, audio URL and reactions are erased (and from the search index) in the same transaction.",
      params,
      ok: { 200: ["The deletion, with its seq", clientEvents.delete_message.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => c.json(await messageChanges.remove(c.var.user, pathId(c))),
  )

  app.get(
    "/:id/reactions",
    describe({
      tag,
      summary: "Who reacted with what",
      description: "Emojis in the order they first appeared, people in the order they reacted.",
      params,
      ok: { 200: ["The reactions", reactionList] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => c.json(await reactions.list(c.var.user.id, pathId(c))),
  )

  app.put(
    "/:id/reactions/:emoji",
    describe({
      tag,
      summary: "React to a message",
      description:
        "reaction_added to the room. The same reaction again answers 200 with duplicate: true and seq: null, " +
        "neither stored nor broadcast. A 21st different emoji on a message is 409.",
      params: withEmoji,
      ok: {
        201: ["The reaction, with its seq and the emoji's count", clientEvents.add_reaction.ack],
        200: ["Already there (duplicate)", clientEvents.add_reaction.ack],
      },
      errors: ["FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = reaction(c)
      const result = await reactions.add(c.var.user, input.messageId, input.emoji)
      return c.json(result, result.duplicate ? 200 : 201)
    },
  )

  app.delete(
    "/:id/reactions/:emoji",
    describe({
      tag,
      summary: "Take a reaction back",
      description: "reaction_removed to the room; one that is not there answers duplicate: true.",
      params: withEmoji,
      ok: { 200: ["The removal, with its seq and the emoji's count", clientEvents.remove_reaction.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = reaction(c)
      return c.json(await reactions.remove(c.var.user, input.messageId, input.emoji))
    },
  )
  return app
}
