/**
 * The web client's words: every module's dictionary (`addWords({en, fr})`) has the same keys in English
 * and French, none empty, and every key the code asks for by name (`t("...")`) is defined somewhere.
 * Read from the sources: the page's modules need a browser to run.
 */
import { expect, test } from "bun:test"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dir, "..", "src", "web", "app")
const sources = readdirSync(root, { recursive: true, encoding: "utf8" })
  .filter((f) => /\.tsx?$/.test(f))
  .map((f) => ({ file: f, text: readFileSync(join(root, f), "utf8") }))

/** The object literal that opens at `from` (its first "{"), braces balanced; strings hold no braces here. */
function objectAt(text: string, from: number): string {
  const start = text.indexOf("{", from)
  let depth = 0
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") depth++
    else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1)
  }
  throw new Error("unbalanced braces")
}

/** The entries of a dictionary literal: `"key": "value"` or `key: "value"`, values on one or more lines. */
function entries(literal: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const m of literal.matchAll(/(?:"([\w.]+)"|(\w+)):\s*\n?\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/g))
    found.set(m[1] ?? m[2]!, m[3]!.slice(1, -1))
  return found
}

const dictionaries = sources.flatMap(({ file, text }) => {
  const at = text.indexOf("addWords({")
  if (at === -1) return []
  const all = objectAt(text, at)
  const en = entries(objectAt(all, all.indexOf("en:")))
  const fr = entries(objectAt(all, all.indexOf("fr:")))
  return [{ file, en, fr }]
})

test("every dictionary has the same keys in English and French, none empty", () => {
  expect(dictionaries.length).toBeGreaterThanOrEqual(5)
  for (const { file, en, fr } of dictionaries) {
    expect({ file, keys: [...fr.keys()].sort() }).toEqual({ file, keys: [...en.keys()].sort() })
    for (const [key, value] of [...en, ...fr])
      expect({ file, key, empty: value.trim() === "" }).toEqual({ file, key, empty: false })
  }
})

test("every key asked for by name is defined", () => {
  const defined = new Set(dictionaries.flatMap(({ en }) => [...en.keys()]))
  const asked = sources.flatMap(({ file, text }) =>
    [...text.matchAll(/\bt\("([\w.]+)"/g)].map((m) => ({ file, key: m[1]! })),
  )
  expect(asked.length).toBeGreaterThan(100)
  expect(asked.filter(({ key }) => !defined.has(key))).toEqual([])
})
