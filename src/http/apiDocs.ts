/** The machine-readable API documents: AsyncAPI for the socket protocol (OpenAPI joins it). */
import { Hono } from "hono"
import { asyncApiDocument } from "../apidocs/asyncapi.ts"
import { VERSION } from "../ops/version.ts"
import type { AppEnv } from "./env.ts"

/** Routes under /api: the documents are public, like the protocol they describe. */
export function apiDocRoutes() {
  const app = new Hono<AppEnv>()
  // Generated once: the schemas do not change while the server runs; only the host is the caller's.
  let asyncApi: ReturnType<typeof asyncApiDocument> | undefined

  app.get("/asyncapi.json", (c) => {
    asyncApi ??= asyncApiDocument({ version: VERSION, host: "localhost" })
    const host = c.req.header("host") ?? "localhost"
    return c.json({ ...asyncApi, servers: { causerie: { ...asyncApi.servers.causerie, host } } })
  })
  return app
}
