/** POST /api/auth/reset: a password set with the one-time token a server admin made. */
import { Hono } from "hono"
import { z } from "zod"
import { resetPasswordInput } from "../schemas/peopleInputs.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { type AppEnv, readJson } from "./env.ts"

/** The reset route, mounted under /api/auth behind its cookie guard (a foreign origin or a non-JSON body is refused). */
export function passwordResetRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  app.post(
    "/reset",
    describe({
      tag: "Accounts",
      summary: "Set a password with a reset token",
      description:
        "The token comes from a server admin (POST /api/admin/users/:id/password-reset); it works once, " +
        "until it expires. Every earlier token of the account is revoked and its sockets disconnected; " +
        "log in with the new password.",
      auth: false,
      body: { schema: resetPasswordInput },
      ok: { 200: ["Done", z.object({ ok: z.literal(true) })] },
      errors: ["FORBIDDEN", "BAD_REQUEST"],
    }),
    async (c) => {
      const input = await readJson(c, resetPasswordInput)
      await services.people.resets.use(input.token, input.newPassword)
      c.var.log.info({ event: "password_reset" }, "password set with a reset token")
      return c.json({ ok: true })
    },
  )
  return app
}
