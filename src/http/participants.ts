/** Participants over HTTP: the same service calls as the socket events. */
import { Hono } from "hono"
import { clientEvents } from "../schemas/events.ts"
import { addParticipantsInput, changeRoleInput } from "../schemas/inputs.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { type AppEnv, pathId, readJson } from "./env.ts"

const tag = "Participants"
const params = { id: "The conversation's id" }
const both = { ...params, userId: "The participant's user id" }

/** Routes under /api/conversations/:id/participants and /leave (mounted after the auth guard). */
export function participantRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  const { participants } = services

  app.post(
    "/:id/participants",
    describe({
      tag,
      summary: "Add participants (admin)",
      description:
        "Users who had left are re-admitted as members. participant_added to the room, conversation_added to them.",
      params,
      body: { schema: addParticipantsInput, omit: ["conversationId"] },
      ok: { 201: ["Who was added", clientEvents.add_participants.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = await readJson(c, addParticipantsInput, {
        conversationId: pathId(c),
      })
      return c.json(await participants.add(c.var.user, input.conversationId, input.userIds), 201)
    },
  )

  app.delete(
    "/:id/participants/:userId",
    describe({
      tag,
      summary: "Remove a participant (admin)",
      description: "participant_removed to the room and to them; their sockets leave the room at once.",
      params: both,
      ok: { 200: ["Removed", clientEvents.remove_participant.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
    }),
    async (c) => {
      const id = pathId(c)
      return c.json(await participants.remove(c.var.user, id, pathId(c, "userId")))
    },
  )

  app.patch(
    "/:id/participants/:userId",
    describe({
      tag,
      summary: "Change a role (admin)",
      description: "role_changed to the room. The last admin cannot demote themself (400).",
      params: both,
      body: { schema: changeRoleInput, omit: ["conversationId", "userId"] },
      ok: { 200: ["The new role", clientEvents.change_role.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = await readJson(c, changeRoleInput, {
        conversationId: pathId(c),
        userId: pathId(c, "userId"),
      })
      return c.json(await participants.setRole(c.var.user, input.conversationId, input.userId, input.role))
    },
  )

  app.post(
    "/:id/leave",
    describe({
      tag,
      summary: "Leave for good",
      description:
        "participant_removed (reason left) to the room; an admin leaving last hands the role over.",
      params,
      ok: { 200: ["Left", clientEvents.quit_conversation.ack] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => c.json(await participants.leave(c.var.user, pathId(c))),
  )

  return app
}
