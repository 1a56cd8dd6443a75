/** Accounts over HTTP: register, login, logout (here or everywhere), password change (reset: passwordReset.ts). */
import { type Context, Hono } from "hono"
import { deleteCookie, getCookie, setCookie } from "hono/cookie"
import { z } from "zod"
import type { Config } from "../config.ts"
import { changePasswordInput, loginInput, registerInput } from "../schemas/inputs.ts"
import { registrationInfo, session } from "../schemas/wire.ts"
import { target } from "../services/audit.ts"
import type { Services } from "../services/index.ts"
import { toOwnUser, type UserRow } from "../services/userService.ts"
import { clientAddress } from "./clientAddress.ts"
import { describe } from "./describe.ts"
import { type AppEnv, readJson } from "./env.ts"
import { cookieRouteGuard } from "./origin.ts"
import { passwordResetRoutes } from "./passwordReset.ts"
import { requestToken, requireAuth } from "./requireAuth.ts"

const done = z.object({ ok: z.literal(true) })
// Every /auth route refuses a foreign origin and a body not declared JSON (cookieRouteGuard).
const cookieRoute = ["FORBIDDEN", "BAD_REQUEST"] as const

const isHttps = (c: Context) =>
  new URL(c.req.url).protocol === "https:" ||
  c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https"

/** Routes under /api/auth. */
export function authRoutes(services: Services, config: Config) {
  const app = new Hono<AppEnv>()
  const guard = requireAuth(services.sessions, config)
  // Every /auth route sets or clears the cookie.
  app.use("/auth/*", cookieRouteGuard(config.corsOrigins, config.trustProxy))
  const limits = services.limits

  const startSession = async (c: Context<AppEnv>, user: UserRow) => {
    const { token } = await services.tokens.issue(user.id, user.tokenVersion)
    setCookie(c, "token", token, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure: isHttps(c),
      maxAge: config.jwtTtlSeconds,
    })
    return { user: toOwnUser(user), token }
  }

  app.get(
    "/auth/registration",
    describe({
      tag: "Accounts",
      summary: "Who may register",
      description:
        "REGISTRATION as it is now: `open` (anyone), `invite` (with an admin's `inviteToken`) or `closed` " +
        "(nobody over HTTP), so that a sign-up form can say so before anyone types.",
      auth: false,
      ok: { 200: ["The registration mode", registrationInfo] },
      errors: [...cookieRoute],
    }),
    (c) => c.json({ mode: config.registration }),
  )

  app.post(
    "/auth/register",
    describe({
      tag: "Accounts",
      summary: "Create an account",
      description:
        "Password 8-256 characters, hashed with argon2id; sets the `token` cookie. As REGISTRATION allows: " +
        "open to anyone, with an admin's `inviteToken`, or closed (403 saying why). The first account ever " +
        "is a server admin.",
      auth: false,
      body: { schema: registerInput },
      ok: { 201: ["The new user and a session token", session] },
      errors: [...cookieRoute, "CONFLICT", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = await readJson(c, registerInput)
      await limits.register.consume(clientAddress(c, config.trustProxy))
      const user = await services.people.registration.register(input)
      c.var.log.info({ event: "register", userId: user.id }, "user registered")
      return c.json(await startSession(c, user), 201)
    },
  )

  app.post(
    "/auth/login",
    describe({
      tag: "Accounts",
      summary: "Log in",
      description:
        "Sets the `token` cookie (HttpOnly, SameSite=Lax). An unknown email and a wrong password get the same " +
        "401; repeated failures 429; a disabled account, with the right password, 403.",
      auth: false,
      body: { schema: loginInput },
      ok: { 200: ["The user and a session token", session] },
      errors: [...cookieRoute, "UNAUTHORIZED", "RATE_LIMITED"],
    }),
    async (c) => {
      const input = await readJson(c, loginInput)
      const address = clientAddress(c, config.trustProxy)
      // Counted before the (slow) password check: concurrent guesses cannot all pass the limit.
      const attempt = await limits.login.attempt(input.email, address)
      try {
        const user = await services.users.authenticate(input.email, input.password)
        await attempt.succeeded()
        c.var.log.info({ event: "login", userId: user.id }, "user logged in")
        return c.json(await startSession(c, user))
      } catch (err) {
        c.var.log.warn({ event: "login_failed", address }, "login failed")
        throw err
      }
    },
  )

  // Revokes the token the request carries (bearer or cookie) and closes the sockets it opened; a
  // token that no longer works has nothing left to revoke, and the answer is the same.
  app.post(
    "/auth/logout",
    describe({
      tag: "Accounts",
      summary: "Log out",
      description:
        "Revokes the token the request carries (bearer or cookie), closes its sockets, clears the cookie.",
      auth: false,
      ok: { 200: ["Done", done] },
      errors: [...cookieRoute],
    }),
    async (c) => {
      const { token } = requestToken(c.req.header("authorization"), getCookie(c, "token"))
      const session = token ? await services.sessions.fromToken(token).catch(() => undefined) : undefined
      const tokenId = session?.claims.tokenId
      if (session && tokenId) {
        const userId = session.user.id
        await services.revocations.revoke(tokenId, session.claims.expiresAt * 1000, [
          services.audit.step({ action: "auth.logout", actorId: userId, target: target("user", userId) }),
        ])
        services.bus.emit("token_revoked", { userId: session.user.id, tokenId })
        c.var.log.info({ event: "logout", userId: session.user.id }, "token revoked")
      }
      deleteCookie(c, "token", { path: "/", secure: isHttps(c) })
      return c.json({ ok: true })
    },
  )

  app.post(
    "/auth/logout-all",
    describe({
      tag: "Accounts",
      summary: "Log out everywhere",
      description: "Revokes every token of the user and disconnects all their sockets.",
      ok: { 200: ["Done", done] },
      errors: [...cookieRoute],
    }),
    guard,
    async (c) => {
      await services.users.revokeTokens(c.var.user.id)
      services.bus.emit("sessions_revoked", { userId: c.var.user.id })
      deleteCookie(c, "token", { path: "/", secure: isHttps(c) })
      c.var.log.info({ event: "logout_all", userId: c.var.user.id }, "every session revoked")
      return c.json({ ok: true })
    },
  )

  app.post(
    "/auth/password",
    describe({
      tag: "Accounts",
      summary: "Change the password",
      description: "Every older token is revoked and its sockets disconnected; the caller gets a fresh one.",
      body: { schema: changePasswordInput },
      ok: { 200: ["The user and a fresh token", session] },
      errors: [...cookieRoute],
    }),
    guard,
    async (c) => {
      const input = await readJson(c, changePasswordInput)
      const user = await services.users.changePassword(
        c.var.user.id,
        input.currentPassword,
        input.newPassword,
      )
      services.bus.emit("sessions_revoked", { userId: user.id })
      c.var.log.info(
        { event: "password_changed", userId: user.id },
        "password changed; earlier sessions revoked",
      )
      // The caller keeps a session: a fresh token with the new version.
      return c.json(await startSession(c, user))
    },
  )

  // The reset token's route: under the same cookie guard, like every /auth route.
  app.route("/auth", passwordResetRoutes(services))

  return app
}
