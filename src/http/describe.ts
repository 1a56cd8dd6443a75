/**
 * OpenAPI descriptions of the routes, written beside each route (hono-openapi's describeRoute) and
 * built from the zod schemas that validate and shape it, with every status it may answer.
 */
import { describeRoute } from "hono-openapi"
import { z } from "zod"
import { ERROR_STATUS, type ErrorCode } from "../errors.ts"
import { errorBody } from "../schemas/wire.ts"

/** A schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): what a client sends, or what it receives. */
export function jsonSchema(
  schema: z.ZodType,
  io: "input" | "output" = "output",
  omit: string[] = [],
): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema
  // Fields the path supplies (the conversation id) are not part of the body.
  if (omit.length && json.properties) {
    json.properties = Object.fromEntries(Object.entries(json.properties).filter(([k]) => !omit.includes(k)))
    json.required = json.required?.filter((k) => !omit.includes(k))
  }
  return json
}

type Operation = Parameters<typeof describeRoute>[0]
/** JSON Schema as z.toJSONSchema writes it; openapi-types' narrower SchemaObject would not take it. */
type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [keyword: string]: unknown }

const MEANING: Record<ErrorCode, string> = {
  BAD_REQUEST: "Malformed JSON or an invalid field (named in `field`)",
  UNAUTHORIZED: "No token, or one that is malformed, expired or revoked",
  FORBIDDEN: "Not allowed: not a participant, not an admin, blocked, or a cookie from a foreign origin",
  NOT_FOUND: "No such conversation, message or user",
  CONFLICT: "Already exists (an email, a clientMessageId used in another conversation)",
  PAYLOAD_TOO_LARGE: "The body is over MAX_HTTP_BUFFER_SIZE (an upload: over UPLOAD_MAX_BYTES)",
  UNSUPPORTED_MEDIA_TYPE: "An upload whose bytes are of a type UPLOAD_TYPES does not allow",
  RATE_LIMITED: "Too many attempts: retry after `retryAfterMs` (also the Retry-After header, in seconds)",
  INTERNAL: "A bug: nothing about it is told",
  UNAVAILABLE: "The server is stopping: retry, on another instance if there is one",
}

/** components.responses: one per error code, each the error envelope with that code. */
export const errorResponses = Object.fromEntries(
  (Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => [
    code,
    {
      description: MEANING[code],
      content: {
        "application/json": {
          schema: jsonSchema(z.object({ error: errorBody.extend({ code: z.literal(code) }) })),
        },
      },
    },
  ]),
)

export interface RouteSpec {
  summary: string
  description?: string
  tag: string
  /** Needs a token (Bearer or the cookie); true unless said otherwise. */
  auth?: boolean
  /** Path parameters and what each names: positive integer ids, unless given as text. */
  params?: Record<string, string | { text: string }>
  query?: z.ZodType
  /** Request headers the route reads, and what each means. */
  headers?: Record<string, string>
  /** The JSON body's schema, less the fields the path gives. */
  body?: { schema: z.ZodType; omit?: string[] }
  /** A body of raw bytes (an upload) instead of JSON: what it is. */
  bytesBody?: string
  /** Success statuses with what each means and holds. */
  ok: Partial<Record<200 | 201 | 503, [description: string, schema: z.ZodType]>>
  /** Answers of raw bytes (a download), and answers without a body, with what each means. */
  bytes?: Partial<Record<200 | 206 | 304 | 416, string>>
  /** The refusals this route gives besides the ones every route may (see `refusals`). */
  errors?: ErrorCode[]
}

/** The refusals of a route: its own, plus what its auth, input and the server give any request. */
export function refusals({
  auth = true,
  params,
  query,
  body,
  bytesBody,
  errors = [],
}: RouteSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(errors)
  if (params || query || body || bytesBody) codes.add("BAD_REQUEST")
  if (auth) codes.add("UNAUTHORIZED")
  if (body || bytesBody) codes.add("PAYLOAD_TOO_LARGE")
  codes.add("INTERNAL").add("UNAVAILABLE")
  return [...codes]
}

/** The describeRoute middleware for a route. */
export function describe(spec: RouteSpec) {
  const {
    summary,
    description,
    tag,
    auth = true,
    params = {},
    query,
    headers = {},
    body,
    bytesBody,
    ok,
  } = spec
  const queryJson = query ? jsonSchema(query, "input") : undefined
  const parameters = [
    ...Object.entries(params).map(([name, what]) => ({
      name,
      in: "path" as const,
      required: true,
      description: typeof what === "string" ? what : what.text,
      schema: typeof what === "string" ? { type: "integer", minimum: 1 } : { type: "string" },
    })),
    ...Object.entries(queryJson?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: "query" as const,
      required: Boolean(queryJson?.required?.includes(name)),
      schema,
    })),
    ...Object.entries(headers).map(([name, what]) => ({
      name,
      in: "header" as const,
      description: what,
      schema: { type: "string" },
    })),
  ]
  const responses: Record<string, object> = {}
  for (const [status, [what, schema]] of Object.entries(ok))
    responses[status] = {
      description: what,
      content: { "application/json": { schema: jsonSchema(schema) } },
    }
  const binary = { "*/*": { schema: { type: "string", contentMediaType: "application/octet-stream" } } }
  for (const [status, what] of Object.entries(spec.bytes ?? {}))
    responses[status] =
      status === "416" || status === "304" ? { description: what } : { description: what, content: binary }
  for (const code of refusals(spec))
    responses[ERROR_STATUS[code]] ??= { $ref: `#/components/responses/${code}` }
  // The shapes are OpenAPI 3.1's; the cast is only to openapi-types' narrower JSON Schema typing.
  return describeRoute({
    summary,
    ...(description ? { description } : {}),
    tags: [tag],
    security: auth ? [{ bearer: [] }, { cookie: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(body.schema, "input", body.omit) } },
          },
        }
      : {}),
    ...(bytesBody ? { requestBody: { required: true, description: bytesBody, content: binary } } : {}),
    responses,
  } as Operation)
}
