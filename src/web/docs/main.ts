/**
 * The /docs page: reads the server's two documents and lays them out, HTTP routes first, then the
 * socket events. Hand-made rather than a viewer: see the README (API documents) for why.
 */
// Browser code in a project typed for Bun: the DOM types come in here (and async iteration of its streams).
/// <reference lib="dom" />
/// <reference lib="dom.asynciterable" />
import { el, renderSchema, type Schema } from "./schema.ts"

// biome-ignore lint/suspicious/noExplicitAny: the documents are walked as plain JSON, checked by their validators in the tests
type Doc = Record<string, any>

/** Follows a local `#/a/b` reference inside `doc`. */
const resolver = (doc: Doc) => (ref: string) =>
  ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc) as Schema
const deref = (doc: Doc, value: Doc | undefined): Doc | undefined =>
  value?.$ref ? resolver(doc)(value.$ref) : value

const nav = document.getElementById("nav")!
const main = document.getElementById("main")!

function section(id: string, title: string, intro?: string) {
  nav.append(el("h3", undefined, title))
  main.append(el("h2", undefined, title))
  main.lastElementChild!.id = id
  if (intro) main.append(el("p", "desc", intro))
}

/** One collapsible entry, listed in the side bar. */
function entry(id: string, label: HTMLElement, summary: string | undefined, ...body: (Node | undefined)[]) {
  const details = el(
    "details",
    "op",
    el("summary", undefined, label, summary ? el("span", "summary", summary) : undefined),
  )
  details.id = id
  details.append(el("div", undefined, ...body))
  main.append(details)
  const link = el("a", undefined, label.textContent ?? id) as HTMLAnchorElement
  link.href = `#${id}`
  link.onclick = () => ((details as HTMLDetailsElement).open = true)
  nav.append(link)
}

const block = (title: string, schema: Schema | undefined, doc: Doc) =>
  schema ? el("div", undefined, el("h4", undefined, title), renderSchema(schema, resolver(doc))) : undefined

function renderOpenApi(doc: Doc) {
  section("http", "HTTP API", doc.info?.description)
  for (const [path, item] of Object.entries<Doc>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<Doc>(item)) {
      if (typeof op !== "object" || !op.responses) continue
      const params = (op.parameters ?? []).map((p: Doc) => deref(doc, p))
      const parameters = params.length
        ? el(
            "div",
            undefined,
            el("h4", undefined, "Parameters"),
            el(
              "ul",
              "schema",
              ...params.map((p: Doc) =>
                el(
                  "li",
                  undefined,
                  el("code", "name", p.name),
                  el("span", "type", ` ${p.in}`),
                  p.required ? el("span", "required", " required") : undefined,
                  p.description ? el("span", "desc", ` — ${p.description}`) : undefined,
                ),
              ),
            ),
          )
        : undefined
      const body = deref(doc, op.requestBody)?.content?.["application/json"]?.schema
      const responses = Object.entries<Doc>(op.responses).map(([status, raw]) => {
        const response = deref(doc, raw) ?? {}
        const schema = response.content?.["application/json"]?.schema
        return el(
          "div",
          undefined,
          el("h4", undefined, el("span", "status", status), ` ${response.description ?? ""}`),
          schema ? renderSchema(schema, resolver(doc)) : undefined,
        )
      })
      const label = el(
        "span",
        undefined,
        el("span", "method", method.toUpperCase()),
        " ",
        el("code", undefined, path),
      )
      entry(
        `${method}-${path}`,
        label,
        op.summary,
        op.description ? el("p", undefined, op.description) : undefined,
        parameters,
        block("Body", body, doc),
        ...responses,
      )
    }
  }
}

function renderAsyncApi(doc: Doc) {
  section("socket", "Socket.IO protocol", doc.info?.description)
  const schemes = Object.entries<Doc>(doc.components?.securitySchemes ?? {})
  main.append(
    el("h4", undefined, "Handshake token, in this order"),
    el(
      "ul",
      "schema",
      ...schemes.map(([name, s]) =>
        el("li", undefined, el("code", "name", name), el("span", "desc", ` — ${s.description ?? ""}`)),
      ),
    ),
  )
  const message = (ref: Doc) => deref(doc, deref(doc, ref))
  for (const [action, title] of [
    ["receive", "Client → server"],
    ["send", "Server → client"],
  ] as const) {
    main.append(el("h3", undefined, title))
    for (const [id, op] of Object.entries<Doc>(doc.operations ?? {})) {
      if (op.action !== action) continue
      const payload = message(op.messages?.[0])?.payload
      const ack = op.reply ? message(op.reply.messages?.[0])?.payload : undefined
      entry(
        id,
        el("code", "name", op.title ?? id),
        op.summary,
        op.description ? el("p", undefined, op.description) : undefined,
        block("Payload", payload, doc),
        block("Acknowledgement", ack, doc),
      )
    }
  }
}

async function load(url: string): Promise<Doc | undefined> {
  try {
    const res = await fetch(url)
    return res.ok ? await res.json() : undefined
  } catch {
    return undefined
  }
}

const [openapi, asyncapi] = await Promise.all([load("/api/openapi.json"), load("/api/asyncapi.json")])
main.replaceChildren(
  el("h1", undefined, `Causerie API ${asyncapi?.info?.version ?? openapi?.info?.version ?? ""}`),
)
main.append(
  el(
    "p",
    "desc",
    "Generated from the server's schemas: ",
    link("/api/openapi.json"),
    " (OpenAPI 3.1) and ",
    link("/api/asyncapi.json"),
    " (AsyncAPI 3.0).",
  ),
)
if (openapi) renderOpenApi(openapi)
else main.append(el("p", "error", "The OpenAPI document could not be loaded."))
if (asyncapi) renderAsyncApi(asyncapi)
else main.append(el("p", "error", "The AsyncAPI document could not be loaded."))
// The page was empty when the browser tried the address's #fragment: go there now.
const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)))
if (target) {
  if (target instanceof HTMLDetailsElement) target.open = true
  target.scrollIntoView()
}

function link(href: string) {
  const a = el("a", undefined, href) as HTMLAnchorElement
  a.href = href
  return a
}
