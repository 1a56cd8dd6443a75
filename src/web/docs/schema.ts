/** Renders a JSON Schema (as z.toJSONSchema writes them) as a nested list: names, types, limits, descriptions. */
/// <reference lib="dom" />
/// <reference lib="dom.asynciterable" />

export type Schema = {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  additionalProperties?: Schema | boolean
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  enum?: unknown[]
  const?: unknown
  description?: string
  [limit: string]: unknown
}

/** Creates an element with text or child elements; text is never parsed as HTML. */
export function el(tag: string, className?: string, ...children: (Node | string | undefined)[]): HTMLElement {
  const node = document.createElement(tag)
  if (className) node.className = className
  for (const child of children) if (child !== undefined) node.append(child)
  return node
}

const LIMITS: [string, string][] = [
  ["minLength", "length ≥ "],
  ["maxLength", "length ≤ "],
  ["minimum", "≥ "],
  ["exclusiveMinimum", "> "],
  ["maximum", "≤ "],
  ["minItems", "items ≥ "],
  ["maxItems", "items ≤ "],
  ["pattern", "pattern "],
  ["format", "format "],
  ["default", "default "],
]

/** A schema's type in a few words: `integer`, `string | null`, `"group" | "direct"`, `array of object`. */
export function typeOf(schema: Schema, resolve: (ref: string) => Schema): string {
  if (schema.$ref) return schema.$ref.split("/").pop()!
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ")
  const union = schema.anyOf ?? schema.oneOf
  if (union) return union.map((s) => typeOf(s, resolve)).join(" | ")
  if (schema.type === "array" && schema.items) return `array of ${typeOf(schema.items, resolve)}`
  if (Array.isArray(schema.type)) return schema.type.join(" | ")
  return schema.type ?? "any"
}

/** The schema as a list of its properties, recursively; unions list each branch. */
export function renderSchema(schema: Schema, resolve: (ref: string) => Schema, depth = 0): HTMLElement {
  const target = schema.$ref ? resolve(schema.$ref) : schema
  const list = el("ul", "schema")
  if (depth > 8) return list // a recursive schema stops here
  const union = target.anyOf ?? target.oneOf
  if (union?.some((s) => (s.$ref ? resolve(s.$ref) : s).properties)) {
    union.forEach((branch, i) => {
      list.append(
        el(
          "li",
          undefined,
          el("span", "type", `one of (${i + 1})`),
          renderSchema(branch, resolve, depth + 1),
        ),
      )
    })
    return list
  }
  const properties = target.properties ?? {}
  for (const [name, property] of Object.entries(properties)) {
    const item = el(
      "li",
      undefined,
      el("code", "name", name),
      " ",
      el("span", "type", typeOf(property, resolve)),
      target.required?.includes(name) ? el("span", "required", " required") : undefined,
      limits(property),
      property.description ? el("span", "desc", ` — ${property.description}`) : undefined,
    )
    const inner = nested(property, resolve)
    if (inner && (inner.properties || inner.anyOf || inner.oneOf))
      item.append(renderSchema(inner, resolve, depth + 1))
    list.append(item)
  }
  if (!target.properties && !union)
    list.append(el("li", undefined, el("span", "type", typeOf(target, resolve)), limits(target)))
  return list
}

/** The object inside a property worth opening: itself, its array items, or the non-null side of a union. */
function nested(schema: Schema, resolve: (ref: string) => Schema): Schema | undefined {
  const s = schema.$ref ? resolve(schema.$ref) : schema
  if (s.type === "array" && s.items) return nested(s.items, resolve)
  const union = (s.anyOf ?? s.oneOf)?.filter((b) => b.type !== "null")
  if (union?.length === 1) return nested(union[0]!, resolve)
  if (s.additionalProperties && typeof s.additionalProperties === "object")
    return nested(s.additionalProperties, resolve)
  return s
}

function limits(schema: Schema): string | undefined {
  const found = LIMITS.filter(([key]) => schema[key] !== undefined).map(
    ([key, label]) =>
      `${label}${typeof schema[key] === "string" ? schema[key] : JSON.stringify(schema[key])}`,
  )
  return found.length ? ` (${found.join(", ")})` : undefined
}
