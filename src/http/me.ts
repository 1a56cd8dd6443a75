/** One's own account over HTTP: who am I. */
import { Hono } from "hono"
import { me } from "../schemas/peopleWire.ts"
import { describe } from "./describe.ts"
import type { AppEnv } from "./env.ts"

/** Routes under /api/me (mounted after the auth guard). */
export function meRoutes() {
  const app = new Hono<AppEnv>()

  app.get("/", describe({ tag: "Accounts", summary: "Who am I", ok: { 200: ["The caller", me] } }), (c) =>
    c.json({ user: c.var.me }),
  )

  return app
}
