/**
 * The AsyncAPI document: served, valid for the AsyncAPI parser (which runs under Bun), and in step
 * with the events a connected socket actually handles.
 */
import { expect, test } from "bun:test"
import { Parser } from "@asyncapi/parser"
import { clientEvents, serverEvents } from "../src/schemas/events.ts"
import { connect } from "./helpers/clients.ts"
import { handledEvents } from "./helpers/handled.ts"
import { useTestServer } from "./helpers/useTestServer.ts"
import { quickUsers } from "./helpers/world.ts"

const h = useTestServer()

async function fetchDocument(): Promise<any> {
  const res = await fetch(`${h.url}/api/asyncapi.json`)
  expect(res.status).toBe(200)
  return res.json()
}

test("GET /api/asyncapi.json is an AsyncAPI 3.0 document the parser accepts without a warning", async () => {
  const doc = await fetchDocument()
  expect(doc.asyncapi).toBe("3.0.0")
  expect(doc.servers.causerie.host).toBe(new URL(h.url).host)
  const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc))
  // Severity 0 is an error, 1 a warning; 2 and 3 are hints (such as "a newer AsyncAPI exists").
  expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join(".")}: ${d.message}`)).toEqual(
    [],
  )
  expect(document).toBeDefined()
})

test("the handshake's three token sources, tried in order", async () => {
  const { components, servers } = await fetchDocument()
  expect(Object.keys(components.securitySchemes)).toEqual(["authToken", "queryToken", "cookieToken"])
  expect(components.securitySchemes.queryToken).toMatchObject({
    type: "httpApiKey",
    in: "query",
    name: "token",
  })
  expect(components.securitySchemes.cookieToken).toMatchObject({
    type: "httpApiKey",
    in: "cookie",
    name: "token",
  })
  expect(servers.causerie.security).toHaveLength(3)
})

test("every client event: payload, acknowledgement and description; every server event: payload and when it is sent", async () => {
  const { operations, components } = await fetchDocument()
  for (const event of Object.keys(clientEvents)) {
    const op = operations[`on_${event}`]
    expect({ event, action: op?.action, described: (op?.description?.length ?? 0) > 20 }).toEqual({
      event,
      action: "receive",
      described: true,
    })
    expect(op.reply.messages).toEqual([{ $ref: `#/channels/socket/messages/client_${event}_ack` }])
    const ack = components.messages[`client_${event}_ack`].payload
    expect(ack.anyOf.map((branch: any) => branch.properties.ok.const)).toEqual([true, false])
  }
  for (const event of Object.keys(serverEvents)) {
    const op = operations[`emit_${event}`]
    expect({ event, action: op?.action, described: (op?.description?.length ?? 0) > 20 }).toEqual({
      event,
      action: "send",
      described: true,
    })
  }
  // The error event carries the error envelope's fields and the event that failed.
  expect(Object.keys(components.messages.server_error.payload.properties)).toEqual([
    "code",
    "message",
    "field",
    "retryAfterMs",
    "event",
  ])
})

test("the document describes exactly the events a connected socket handles, and the server's table", async () => {
  const { operations } = await fetchDocument()
  const byAction = (action: string) =>
    Object.values(operations as Record<string, { action: string; title: string }>)
      .filter((op) => op.action === action)
      .map((op) => op.title)
      .sort()
  const [user] = await quickUsers(h, ["census"])
  await connect(h, user!)
  const [serverSide] = h.server.io.of("/").sockets.values()
  expect(byAction("receive")).toEqual(handledEvents(serverSide!))
  // What the server emits is typed by this table (ServerToClientEvents): nothing else can be sent.
  expect(byAction("send")).toEqual(Object.keys(serverEvents).sort())
})
