/** Server admins manage accounts over HTTP: list, create, disable, enable, admin rights, reset, delete. */
import { type Context, Hono } from "hono"
import { z } from "zod"
import { AppError, parseInput } from "../errors.ts"
import { adminUsersQuery, createUserInput } from "../schemas/peopleInputs.ts"
import { adminUser, adminUsersPage, createdUser, resetToken } from "../schemas/peopleWire.ts"
import type { Services } from "../services/index.ts"
import { describe } from "./describe.ts"
import { type AppEnv, pathId, readJson } from "./env.ts"

const tag = "Administration"
const params = { id: "The account's id" }
const one = z.object({ user: adminUser })

/** Routes under /api/admin/users (mounted after the server-admin guard). */
export function adminUserRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  const { admin, registration, resets, erasure } = services.people
  const log = (c: Context<AppEnv>, event: string, userId: number) =>
    c.var.log.info({ event, userId: c.var.user.id, target: userId }, event.replaceAll("_", " "))

  app.get(
    "/",
    describe({
      tag,
      summary: "Accounts",
      description:
        "In id order, with emails, admin flags and disabled times; q matches a name or an email prefix.",
      query: adminUsersQuery,
      ok: { 200: ["A page of accounts", adminUsersPage] },
      errors: ["FORBIDDEN"],
    }),
    async (c) => c.json(await admin.list(parseInput(adminUsersQuery, c.req.query()))),
  )

  app.post(
    "/",
    describe({
      tag,
      summary: "Make an account",
      description:
        "Works whatever REGISTRATION says. The account has no usable password: hand its owner the reset " +
        "token, which sets one (POST /api/auth/reset).",
      body: { schema: createUserInput },
      ok: { 201: ["The account and its reset token (shown once)", createdUser] },
      errors: ["FORBIDDEN", "CONFLICT"],
    }),
    async (c) => {
      const input = await readJson(c, createUserInput)
      const made = await registration.createByAdmin(c.var.user.id, input)
      log(c, "admin_user_create", made.user.id)
      return c.json(made, 201)
    },
  )

  const action = (summary: string, description: string) =>
    describe({
      tag,
      summary,
      description,
      params,
      ok: { 200: ["The account now", one] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    })

  app.post(
    "/:id/disable",
    action(
      "Disable an account",
      "Its tokens are revoked and its sockets disconnected at once; its logins answer 403 account disabled. " +
        "Not my own account, nor the last enabled admin (400).",
    ),
    async (c) => {
      const user = await admin.disable(c.var.user.id, pathId(c))
      log(c, "admin_user_disable", user.id)
      return c.json({ user })
    },
  )
  app.post("/:id/enable", action("Enable an account", "Its owner may log in again."), async (c) => {
    const user = await admin.enable(c.var.user.id, pathId(c))
    log(c, "admin_user_enable", user.id)
    return c.json({ user })
  })
  app.post("/:id/admin", action("Make a server admin", "Grants server admin."), async (c) => {
    const user = await admin.grant(c.var.user.id, pathId(c))
    log(c, "admin_grant", user.id)
    return c.json({ user })
  })
  app.delete(
    "/:id/admin",
    action("Take server admin away", "Never from the last enabled admin (400); one may from oneself."),
    async (c) => {
      const user = await admin.revoke(c.var.user.id, pathId(c))
      log(c, "admin_revoke", user.id)
      return c.json({ user })
    },
  )

  app.post(
    "/:id/password-reset",
    describe({
      tag,
      summary: "Make a password reset token",
      description:
        "A one-time token that expires after PASSWORD_RESET_TTL, never a password; it replaces an unused " +
        "older one. Its owner sets a new password with POST /api/auth/reset.",
      params,
      ok: { 201: ["The token (shown once)", resetToken] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const reset = await resets.issue(c.var.user.id, pathId(c))
      log(c, "admin_password_reset", reset.userId)
      return c.json(reset, 201)
    },
  )

  app.delete(
    "/:id",
    describe({
      tag,
      summary: "Delete an account",
      description:
        'As DELETE /api/me does: its messages become tombstones from "deleted user", it leaves every ' +
        "conversation, its sockets are disconnected. Not my own account (use DELETE /api/me).",
      params,
      ok: { 200: ["Deleted", z.object({ ok: z.literal(true) })] },
      errors: ["FORBIDDEN", "NOT_FOUND"],
    }),
    async (c) => {
      const id = pathId(c)
      if (id === c.var.user.id)
        throw new AppError("BAD_REQUEST", "Delete your own account with DELETE /api/me")
      await erasure.erase(id, { action: "admin.user_delete", actorId: c.var.user.id })
      log(c, "admin_user_delete", id)
      return c.json({ ok: true })
    },
  )

  return app
}
