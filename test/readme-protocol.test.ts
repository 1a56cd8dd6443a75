/**
 * The README's protocol tables against the served documents: every documented route and event has
 * its row, and every row names a real one.
 */
import { expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { AUDIT_ACTIONS } from "../src/schemas/auditActions.ts"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer()
const readme = readFileSync(join(import.meta.dir, "..", "README.md"), "utf8")

/** The text from `heading` to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`)
  if (start === -1) throw new Error(`README.md has no "${heading}"`)
  const level = heading.split(" ")[0]!
  const rest = readme.slice(start + heading.length + 2)
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `))
  return end === -1 ? rest : rest.slice(0, end)
}

/** The backticked names in the first column of every table row of `text`. */
function firstColumn(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) => [...line.split("|")[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!))
}

async function get(path: string): Promise<any> {
  return (await fetch(`${h.url}${path}`)).json()
}

test("the HTTP tables name exactly the routes of the OpenAPI document", async () => {
  const doc = await get("/api/openapi.json")
  const documented = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
  )
  expect(firstColumn(section("## HTTP API")).sort()).toEqual(documented.sort())
})

test("the socket tables name exactly the events of the AsyncAPI document, each on its side", async () => {
  const doc = await get("/api/asyncapi.json")
  const side = (action: string) =>
    Object.values<{ action: string; title: string }>(doc.operations)
      .filter((op) => op.action === action)
      .map((op) => op.title)
      .sort()
  expect(firstColumn(section("### Client → server")).sort()).toEqual(side("receive"))
  expect(firstColumn(section("### Server → client only")).sort()).toEqual(side("send"))
})

test("the audit log's table names exactly the actions the server records", () => {
  expect(firstColumn(section("### The audit log")).sort()).toEqual(Object.keys(AUDIT_ACTIONS).sort())
})
