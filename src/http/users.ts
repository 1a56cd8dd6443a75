/**
 * People over HTTP: one user's public profile. Kept minimal (a fuller directory may grow here):
 * id, display name and the email as every PublicUser shows it, and presence only for someone the
 * caller shares a conversation with.
 */
import { Hono } from "hono"
import { z } from "zod"
import type { Config } from "../config.ts"
import { parseInput } from "../errors.ts"
import { idParam } from "../schemas/inputs.ts"
import { userProfile } from "../schemas/live.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import type { AppEnv } from "./env.ts"
import { requireAuth } from "./requireAuth.ts"

/** Routes under /api/users. */
export function userRoutes(services: Services, config: Config) {
  const app = new Hono<AppEnv>()
  app.use(requireAuth(services.sessions, config.corsOrigins))

  app.get(
    "/:id",
    describe({
      tag: "People",
      summary: "A user's profile and presence",
      description:
        "online and lastSeenAt only for yourself and for users you share a conversation with (not through a " +
        "group either of you blocked); null otherwise. The email, as everywhere, only your own.",
      params: { id: "The user's id" },
      ok: { 200: ["The profile", z.object({ user: userProfile })] },
      errors: ["NOT_FOUND"],
    }),
    async (c) => {
      const id = parseInput(idParam, c.req.param("id"))
      return c.json({ user: await services.presenceService.profile(c.var.user.id, id) })
    },
  )
  return app
}
