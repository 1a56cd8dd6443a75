/** The Hono application: middleware, routers, and the one error envelope. */
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { cors } from "hono/cors"
import { HTTPException } from "hono/http-exception"
import { requestId } from "hono/request-id"
import { secureHeaders } from "hono/secure-headers"
import { z } from "zod"
import type { Config } from "../config.ts"
import { AppError, codeOfStatus, ERROR_STATUS, toErrorBody } from "../errors.ts"
import type { Logger } from "../ops/logger.ts"
import type { Services } from "../services/index.ts"
import { adminRoutes } from "./admin.ts"
import { apiDocRoutes } from "./apiDocs.ts"
import { authRoutes } from "./auth.ts"
import { clientAddress } from "./clientAddress.ts"
import { conversationRoutes } from "./conversations.ts"
import { describe } from "./describe.ts"
import type { AppEnv } from "./env.ts"
import { meRoutes } from "./me.ts"
import { messageRoutes } from "./messages.ts"
import { requireAuth } from "./requireAuth.ts"
import { searchRoutes } from "./search.ts"
import { uploadRoutes } from "./uploads.ts"
import { userRoutes } from "./users.ts"

export interface AppDeps {
  services: Services
  config: Config
  logger: Logger
  /** Answers whether the database responds, for /readyz. */
  ready: () => Promise<boolean>
}

/** Builds the HTTP application. */
export function createApp({ services, config, logger, ready }: AppDeps) {
  const app = new Hono<AppEnv>()

  app.use(requestId())
  app.use(async function requestLog(c, next) {
    const started = performance.now()
    c.set("log", logger.child({ requestId: c.var.requestId }))
    await next()
    const userId = c.var.user?.id
    // Health probes come every few seconds: keep them out of the info log.
    const probe = c.req.path === "/healthz" || c.req.path === "/readyz"
    c.var.log[probe ? "debug" : "info"](
      {
        event: "http",
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        userId,
        ms: Math.round(performance.now() - started),
      },
      "request",
    )
  })
  // Each request runs in its origin's context: the audit log records the client's address.
  app.use(function requestOrigin(c, next) {
    return services.context.run({ address: clientAddress(c, config.trustProxy) }, next)
  })
  app.use(secureHeaders())
  const limitBody = bodyLimit({
    maxSize: config.maxHttpBufferSize,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `The request body is over ${config.maxHttpBufferSize} bytes`)
    },
  })
  // An upload streams to storage under its own limit (UPLOAD_MAX_BYTES), counted as it comes.
  app.use("/api/*", (c, next) =>
    c.req.method === "POST" && c.req.path === "/api/uploads" ? next() : limitBody(c, next),
  )
  app.use(
    "/api/*",
    cors({
      origin: (origin) =>
        config.corsOrigins.includes("*") || config.corsOrigins.includes(origin) ? origin : null,
      credentials: true,
    }),
  )

  const health = z.object({ ok: z.boolean() })
  app.get(
    "/healthz",
    describe({ tag: "Operations", summary: "Alive", auth: false, ok: { 200: ["The process runs", health] } }),
    (c) => c.json({ ok: true }),
  )
  app.get(
    "/readyz",
    describe({
      tag: "Operations",
      summary: "Ready for traffic",
      auth: false,
      ok: {
        200: ["The database answers", health],
        503: ["The database does not answer, or the server is stopping", health],
      },
    }),
    async (c) => ((await ready()) ? c.json({ ok: true }) : c.json({ ok: false }, 503)),
  )

  app.route(
    "/api",
    apiDocRoutes(() => app),
  )
  app.route("/api", authRoutes(services, config))
  const guard = requireAuth(services.sessions, config)
  app.use("/api/me", guard)
  app.use("/api/me/*", guard)
  app.route("/api/me", meRoutes(services))
  app.route("/api/conversations", conversationRoutes(services, config))
  app.route("/api/messages", messageRoutes(services, config))
  app.route("/api/users", userRoutes(services, config))
  app.route("/api/search", searchRoutes(services, config))
  app.route("/api/uploads", uploadRoutes(services, config))
  app.route("/api/admin", adminRoutes(services, config))

  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  )
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      // Hono's own refusals keep the rule of one code, one status.
      const code = codeOfStatus(err.status) ?? "BAD_REQUEST"
      return c.json({ error: { code, message: err.message || "Bad request" } }, ERROR_STATUS[code])
    }
    const body = toErrorBody(err)
    if (body.code === "INTERNAL")
      (c.var.log ?? logger).error({ err, event: "http_error" }, "unexpected error")
    if (body.retryAfterMs !== undefined) c.header("Retry-After", String(Math.ceil(body.retryAfterMs / 1000)))
    return c.json({ error: body }, ERROR_STATUS[body.code])
  })
  return app
}
