/** One's own account over HTTP: who am I, profile changes, the data export, deleting the account. */
import { Hono } from "hono"
import { deleteCookie } from "hono/cookie"
import { z } from "zod"
import { AppError } from "../errors.ts"
import { deleteMeInput, updateMeInput } from "../schemas/peopleInputs.ts"
import { exportDocument, me } from "../schemas/peopleWire.ts"
import type { Services } from "../services/index.ts"
import { toOwnUser } from "../services/userService.ts"
import { describe } from "./describe.ts"
import { type AppEnv, readJson } from "./env.ts"

const tag = "People"

/** Routes under /api/me (mounted after the auth guard). */
export function meRoutes(services: Services) {
  const app = new Hono<AppEnv>()
  const { people, users } = services

  app.get("/", describe({ tag: "Accounts", summary: "Who am I", ok: { 200: ["The caller", me] } }), (c) =>
    c.json({ user: c.var.me }),
  )

  app.patch(
    "/",
    describe({
      tag,
      summary: "Change my profile",
      description:
        "displayName and locale (a language tag) as given (null clears them); a new email needs " +
        "currentPassword. A new name goes to the devices of everyone who shares a conversation with me " +
        "(user_updated), a new email or language (as locale) to my own devices only.",
      body: { schema: updateMeInput },
      ok: { 200: ["Me, changed", me] },
      errors: ["CONFLICT"],
    }),
    async (c) => {
      const input = await readJson(c, updateMeInput)
      const user = await people.profiles.update(c.var.user.id, input)
      return c.json({ user: toOwnUser(user) })
    },
  )

  app.get(
    "/export",
    describe({
      tag,
      summary: "Export my data",
      description:
        "One JSON document, streamed: my account, the conversations I took part in (with their current " +
        "participants) and every message I sent, oldest first.",
      ok: { 200: ["The document (Content-Disposition: attachment)", exportDocument] },
    }),
    async (c) => {
      const user = await users.findById(c.var.user.id)
      if (!user) throw new AppError("UNAUTHORIZED", "The user of this token no longer exists")
      c.var.log.info({ event: "data_export", userId: user.id }, "data export")
      return c.body(people.dataExport.stream(user), 200, {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="causerie-export-${user.id}.json"`,
      })
    },
  )

  app.delete(
    "/",
    describe({
      tag,
      summary: "Delete my account",
      description:
        'Needs my password. My messages become tombstones from "deleted user", I leave every conversation ' +
        "(they stay whole for the others), my sockets are disconnected and my tokens stop working. The last " +
        "enabled server admin cannot (400): make someone else admin first.",
      body: { schema: deleteMeInput },
      ok: { 200: ["Deleted", z.object({ ok: z.literal(true) })] },
    }),
    async (c) => {
      const input = await readJson(c, deleteMeInput)
      const id = c.var.user.id
      if (!(await users.checkPassword(id, input.password))) {
        throw new AppError("UNAUTHORIZED", "The password is wrong", { field: "password" })
      }
      await people.erasure.erase(id, { action: "account.delete", actorId: id })
      c.var.log.info({ event: "account_deleted", userId: id }, "account deleted by its owner")
      deleteCookie(c, "token", { path: "/" })
      return c.json({ ok: true })
    },
  )

  return app
}
