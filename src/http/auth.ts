/** Accounts over HTTP: register, login, logout, and who am I. */
import { type Context, Hono } from "hono"
import { deleteCookie, setCookie } from "hono/cookie"
import { requireAuth } from "../middleware/httpAuth.ts"
import { loginInput, registerInput } from "../schemas.ts"
import type { Services } from "../services/index.ts"
import { toPublicUser, type UserRow } from "../services/userService.ts"
import { type AppEnv, readJson } from "./types.ts"

const isHttps = (c: Context) =>
  new URL(c.req.url).protocol === "https:" ||
  c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https"

/** Routes under /api/auth and /api/me. */
export function authRoutes(services: Services, jwtTtlSeconds: number) {
  const app = new Hono<AppEnv>()

  const startSession = async (c: Context<AppEnv>, user: UserRow) => {
    const { token } = await services.tokens.issue(user.id, user.tokenVersion)
    setCookie(c, "token", token, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure: isHttps(c),
      maxAge: jwtTtlSeconds,
    })
    return { user: toPublicUser(user), token }
  }

  app.post("/auth/register", async (c) => {
    const input = await readJson(c, registerInput)
    const user = await services.users.register(input)
    c.var.log.info({ event: "register", userId: user.id }, "user registered")
    return c.json(await startSession(c, user), 201)
  })

  app.post("/auth/login", async (c) => {
    const input = await readJson(c, loginInput)
    try {
      const user = await services.users.authenticate(input.email, input.password)
      c.var.log.info({ event: "login", userId: user.id }, "user logged in")
      return c.json(await startSession(c, user))
    } catch (err) {
      c.var.log.warn({ event: "login_failed" }, "login failed")
      throw err
    }
  })

  app.post("/auth/logout", (c) => {
    deleteCookie(c, "token", { path: "/", secure: isHttps(c) })
    return c.json({ ok: true })
  })

  app.get("/me", requireAuth(services.sessions), (c) => c.json({ user: c.var.user }))

  return app
}
