/**
 * The OpenAPI document: served, valid for @readme/openapi-parser, and listing exactly the routes the
 * Hono application has (and the two that server.ts answers before it), each with its refusals.
 */
import { expect, test } from "bun:test"
import { validate } from "@readme/openapi-parser"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer()
/** Answered by server.ts before the Hono app (so not in app.routes). */
const OUTSIDE_HONO = ["GET /docs", "GET /metrics"]
const METHODS = ["get", "post", "put", "patch", "delete"]

async function fetchDocument(): Promise<any> {
  const res = await fetch(`${h.url}/api/openapi.json`)
  expect(res.status).toBe(200)
  return res.json()
}

/** "METHOD /path" of every operation, with Hono's `:param` for OpenAPI's `{param}`. */
const operations = (doc: any) =>
  Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => ({ route: `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`, op: item[m] })),
  )

test("GET /api/openapi.json is an OpenAPI 3.1 document the validator accepts without a warning", async () => {
  const doc = await fetchDocument()
  expect(doc.openapi).toBe("3.1.0")
  // The validator dereferences in place: give it a copy.
  expect(await validate(structuredClone(doc))).toMatchObject({ valid: true, warnings: [] })
})

test("the document lists exactly the application's routes, and those server.ts answers itself", async () => {
  const documented = operations(await fetchDocument()).map((o) => o.route)
  // Middleware is registered for ALL methods; handlers for their own.
  const routes = new Set(
    h.server.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
  )
  expect(documented.filter((r) => !OUTSIDE_HONO.includes(r)).sort()).toEqual([...routes].sort())
  for (const route of OUTSIDE_HONO) {
    expect(documented).toContain(route)
    const res = await fetch(`${h.url}${route.split(" ")[1]}`)
    expect({ route, status: res.status }).toEqual({ route, status: 200 })
  }
})

test("every operation: a summary, a success, the error envelope for each refusal, and its security", async () => {
  const doc = await fetchDocument()
  const envelope = doc.components.responses.BAD_REQUEST.content["application/json"].schema
  expect(envelope.required).toEqual(["error"])
  expect(Object.keys(envelope.properties.error.properties)).toEqual([
    "code",
    "message",
    "field",
    "retryAfterMs",
  ])
  for (const { route, op } of operations(doc)) {
    const statuses = Object.keys(op.responses)
    expect({ route, summary: typeof op.summary, success: statuses.some((s) => /^2/.test(s)) }).toEqual({
      route,
      summary: "string",
      success: true,
    })
    if (OUTSIDE_HONO.includes(route)) continue
    // Every Hono route may fail unexpectedly (500) and refuse while the server stops (503).
    expect({ route, statuses }).toMatchObject({ route, statuses: expect.arrayContaining(["500", "503"]) })
    // A route that needs a token says so, and answers 401 without one (login answers it for a wrong password).
    if (op.security.length > 0)
      expect({ route, statuses }).toMatchObject({ statuses: expect.arrayContaining(["401"]) })
    if (op.requestBody)
      expect({ route, statuses }).toMatchObject({ statuses: expect.arrayContaining(["400", "413"]) })
    for (const [status, response] of Object.entries<any>(op.responses))
      if (/^[45]/.test(status) && response.$ref)
        expect(response.$ref).toMatch(/^#\/components\/responses\/[A-Z_]+$/)
  }
})

test("the send route as documented (statuses, parameters, body), and a refusal in the documented envelope", async () => {
  const doc = await fetchDocument()
  const send = doc.paths["/api/conversations/{id}/messages"].post
  expect(Object.keys(send.responses)).toEqual(
    expect.arrayContaining(["200", "201", "403", "404", "409", "429"]),
  )
  expect(send.parameters.map((p: any) => `${p.in} ${p.name}`)).toEqual(["path id", "header Idempotency-Key"])
  expect(Object.keys(send.requestBody.content["application/json"].schema.properties)).toEqual([
    "text",
    "audioUrl",
    "replyToMessageId",
    "clientMessageId",
    "attachments",
  ])
  const res = await fetch(`${h.url}/api/conversations/1/messages`, { method: "POST", body: "{}" })
  expect(res.status).toBe(401)
  const body = await res.json()
  expect(body.error.code).toBe(
    doc.components.responses.UNAUTHORIZED.content["application/json"].schema.properties.error.properties.code
      .const,
  )
})
