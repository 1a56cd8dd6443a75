/**
 * The AsyncAPI 3.0 document of the Socket.IO protocol, generated from the event tables
 * (schemas/events.ts): every client event with its payload and acknowledgement, every server event
 * with its payload, each described by its schema's `.describe()` text.
 */
import { z } from "zod"
import { clientEvents, serverEvents } from "../schemas/events.ts"
import { errorBody } from "../schemas/wire.ts"

/** The server's view: it *receives* what clients emit and *sends* what they listen to. */
export function asyncApiDocument({ version, host }: { version: string; host: string }) {
  const messages: Record<string, object> = {}
  const operations: Record<string, object> = {}
  const channel = { $ref: "#/channels/socket" }
  const inChannel = (key: string) => ({ $ref: `#/channels/socket/messages/${key}` })

  for (const [event, { input, ack }] of Object.entries(clientEvents)) {
    messages[`client_${event}`] = message(event, input, "input")
    messages[`client_${event}_ack`] = {
      ...message(`${event} acknowledgement`, acknowledgement(ack), "output"),
      name: event,
      description: `The acknowledgement of ${event}: {ok: true, ...} or {ok: false, error}.`,
    }
    operations[`on_${event}`] = {
      action: "receive",
      channel,
      title: event,
      summary: summary(input),
      description: input.description,
      messages: [inChannel(`client_${event}`)],
      reply: { channel, messages: [inChannel(`client_${event}_ack`)] },
    }
  }
  for (const [event, payload] of Object.entries(serverEvents)) {
    messages[`server_${event}`] = message(event, payload, "output")
    operations[`emit_${event}`] = {
      action: "send",
      channel,
      title: event,
      summary: summary(payload),
      description: payload.description,
      messages: [inChannel(`server_${event}`)],
    }
  }

  return {
    asyncapi: "3.0.0",
    info: {
      title: "Causerie Socket.IO protocol",
      version,
      description:
        "Socket.IO v4 (protocol 5) on the HTTP port, default namespace. Every client event takes an " +
        "acknowledgement callback, answered {ok: true, ...} or {ok: false, error: {code, message, field?, " +
        "retryAfterMs?}}; every refusal is also sent as the `error` event. A refused handshake ends in " +
        "`connect_error` whose message says why and whose `data.code` is UNAUTHORIZED, FORBIDDEN (a cookie " +
        "from a foreign origin) or RATE_LIMITED (too many connections of one user).",
    },
    defaultContentType: "application/json",
    servers: {
      causerie: {
        host,
        pathname: "/socket.io/",
        protocol: "ws",
        protocolVersion: "socket.io 5",
        description: "Socket.IO over WebSocket (or HTTP long-polling, upgraded).",
        security: Object.keys(securitySchemes).map((s) => ({ $ref: `#/components/securitySchemes/${s}` })),
      },
    },
    channels: {
      socket: {
        address: "/",
        title: "The default namespace",
        description:
          "Every event of a connected socket. A socket hears a conversation's events once it joined its room.",
        messages: Object.fromEntries(
          Object.keys(messages).map((k) => [k, { $ref: `#/components/messages/${k}` }]),
        ),
      },
    },
    operations,
    components: { messages, securitySchemes },
  }
}

/** The handshake's three token sources, tried in this order. */
const securitySchemes = {
  authToken: {
    type: "apiKey",
    in: "user",
    description: "First: the `token` field of the handshake's auth payload, `io(url, { auth: { token } })`.",
  },
  queryToken: {
    type: "httpApiKey",
    in: "query",
    name: "token",
    description: "Then: the `token` query parameter, `io(url, { query: { token } })` (the seed's way).",
  },
  cookieToken: {
    type: "httpApiKey",
    in: "cookie",
    name: "token",
    description:
      "Last: the `token` cookie set by POST /api/auth/login, `io(url, { withCredentials: true })`; only from an allowed origin.",
  },
}

/** What an acknowledgement holds: the event's answer with `ok: true`, or the error. */
function acknowledgement(ack: z.ZodObject) {
  return z.union([ack.extend({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: errorBody })])
}

function message(name: string, schema: z.ZodType, io: "input" | "output") {
  const { $schema: _, ...payload } = z.toJSONSchema(schema, { io, target: "draft-7", unrepresentable: "any" })
  return { name, title: name, summary: summary(schema), payload }
}

/** The first sentence of a description. */
const summary = (schema: z.ZodType) => schema.description?.split(/(?<=\.)\s/)[0]
