/**
 * The machine-readable API documents: OpenAPI 3.1 for the HTTP routes (collected from each route's
 * describeRoute by hono-openapi) and AsyncAPI 3.0 for the socket protocol.
 */
import type { Hono } from "hono"
import { Hono as Router } from "hono"
import { generateSpecs } from "hono-openapi"
import { z } from "zod"
import { asyncApiDocument } from "../apidocs/asyncapi.ts"
import { VERSION } from "../ops/version.ts"
import { describe, errorResponses } from "./describe.ts"
import type { AppEnv } from "./env.ts"

const document = z.looseObject({}).describe("A JSON document")

/** Routes under /api; `app` gives the whole application once built, whose routes the OpenAPI document lists. */
export function apiDocRoutes(app: () => Hono<AppEnv>) {
  const router = new Router<AppEnv>()
  // Generated once: the routes and schemas do not change while the server runs.
  let openApi: Promise<object> | undefined
  let asyncApi: ReturnType<typeof asyncApiDocument> | undefined

  router.get(
    "/openapi.json",
    describe({
      tag: "Documents",
      summary: "This document (OpenAPI 3.1)",
      auth: false,
      ok: { 200: ["OpenAPI 3.1", document] },
    }),
    async (c) => {
      openApi ??= generateSpecs(app(), {
        // openapi-types' JSON Schema typing is narrower than the 3.1 documents written here.
        documentation: openApiInfo as NonNullable<Parameters<typeof generateSpecs>[1]>["documentation"],
        // The documents themselves end in .json: keep them listed.
        excludeStaticFile: false,
      })
      return c.json(await openApi)
    },
  )

  router.get(
    "/asyncapi.json",
    describe({
      tag: "Documents",
      summary: "The Socket.IO protocol (AsyncAPI 3.0)",
      auth: false,
      ok: { 200: ["AsyncAPI 3.0; its server's host is the one this request named", document] },
    }),
    (c) => {
      asyncApi ??= asyncApiDocument({ version: VERSION, host: "localhost" })
      const host = c.req.header("host") ?? "localhost"
      return c.json({ ...asyncApi, servers: { causerie: { ...asyncApi.servers.causerie, host } } })
    },
  )
  return router
}

const openApiInfo = {
  info: {
    title: "Causerie HTTP API",
    version: VERSION,
    description:
      "JSON in and out. Every error is {error: {code, message, field?, retryAfterMs?}} with the status of its " +
      "code. Ids in paths are positive integers. The Socket.IO protocol is in /api/asyncapi.json; both are " +
      "rendered at /docs.",
  },
  tags: [
    { name: "Accounts" },
    { name: "Conversations" },
    { name: "Participants" },
    { name: "People", description: "The directory; one's own profile, data export and deletion" },
    { name: "Administration", description: "Server admins: accounts, invites and the audit log" },
    { name: "Sync", description: "Sequence, sync pages and pointers (README: Sequence and sync)" },
    { name: "Operations", description: "Health, metrics and documents" },
    { name: "Documents" },
  ],
  components: {
    securitySchemes: {
      bearer: { type: "http" as const, scheme: "bearer", bearerFormat: "JWT" },
      cookie: {
        type: "apiKey" as const,
        in: "cookie",
        name: "token",
        description: "Set by login and register; writes must come from an allowed origin.",
      },
    },
    responses: errorResponses,
  },
  // Served by server.ts before the Hono app, so no describeRoute of theirs reaches hono-openapi.
  paths: {
    "/metrics": {
      get: {
        tags: ["Operations"],
        summary: "Prometheus metrics",
        description:
          "With METRICS_TOKEN set, needs `Authorization: Bearer <token>`; without it, answers only direct " +
          "requests from the loopback address.",
        responses: {
          200: {
            description: "Prometheus text format",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          401: { $ref: "#/components/responses/UNAUTHORIZED" },
          403: { $ref: "#/components/responses/FORBIDDEN" },
        },
      },
    },
    "/docs": {
      get: {
        tags: ["Documents"],
        summary: "This API, rendered (HTML, works offline)",
        responses: {
          200: { description: "An HTML page", content: { "text/html": { schema: { type: "string" } } } },
        },
      },
    },
  },
}
