/** Server administration over HTTP: every route under /api/admin needs a server admin. */
import { z } from "zod"
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import { auditQuery, createInviteInput } from "../schemas/peopleInputs.ts"
import { auditPage, createdInvite, invite } from "../schemas/peopleWire.ts"
import type { Services } from "../services/index.ts"
import { adminUserRoutes } from "./adminUsers.ts"
import { describe } from "./describe.ts"
import { pathId, readJson } from "./env.ts"
import { authedRouter, requireServerAdmin } from "./requireAuth.ts"

const tag = "Administration"

/** Routes under /api/admin. */
export function adminRoutes(services: Services, config: Config) {
  const app = authedRouter(services.sessions, config).use(requireServerAdmin)
  const { invites } = services.people

  app.route("/users", adminUserRoutes(services))

  app.post(
    "/invites",
    describe({
      tag,
      summary: "Make an invite",
      description:
        "For REGISTRATION=invite: register with its token as `inviteToken`. Single use unless `uses` says " +
        'more; expires after `expiresIn` (seconds, or "30m", "12h", "7d"; INVITE_TTL by default); with ' +
        "`email`, only that address may use it.",
      body: { schema: createInviteInput },
      ok: { 201: ["The invite and its token (shown once)", createdInvite] },
      errors: ["FORBIDDEN"],
    }),
    async (c) => {
      const made = await invites.create(c.var.user.id, await readJson(c, createInviteInput))
      c.var.log.info({ event: "invite_create", userId: c.var.user.id, invite: made.invite.id }, "invite made")
      return c.json(made, 201)
    },
  )
  app.get(
    "/invites",
    describe({
      tag,
      summary: "Invites",
      description: "Newest first, each with its status: active, used, expired or revoked.",
      ok: { 200: ["Every invite", z.object({ invites: z.array(invite) })] },
      errors: ["FORBIDDEN"],
    }),
    async (c) => c.json({ invites: await invites.list() }),
  )
  app.delete(
    "/invites/:id",
    describe({
      tag,
      summary: "Revoke an invite",
      description: "It can no longer be used; revoking it again answers it as it is.",
      params: { id: "The invite's id" },
      ok: { 200: ["The invite, revoked", z.object({ invite })] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const revoked = await invites.revoke(c.var.user.id, pathId(c))
      c.var.log.info({ event: "invite_revoke", userId: c.var.user.id, invite: revoked.id }, "invite revoked")
      return c.json({ invite: revoked })
    },
  )

  app.get(
    "/audit",
    describe({
      tag,
      summary: "The audit log",
      description:
        "Newest first; filter by actor (a user id) and action (README: Audit log); pass nextBefore as " +
        "`before` for older records.",
      query: auditQuery,
      ok: { 200: ["A page of records", auditPage] },
      errors: ["FORBIDDEN"],
    }),
    async (c) => c.json(await services.audit.page(parseInput(auditQuery, c.req.query()))),
  )

  return app
}
