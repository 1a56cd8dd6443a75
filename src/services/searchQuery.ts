/**
 * What a user types into the search box, turned into an FTS5 query we write ourselves, so that no
 * input reaches FTS5's own syntax: words (all must match), `*` after a word for a prefix, "quoted
 * phrases", and OR between two of those. Each term becomes a quoted FTS5 string of letters and
 * digits only (AND is implied and may be written); anything else is BAD_REQUEST naming `q`.
 */
import { AppError } from "../errors.ts"

/** More terms than anyone types would only make the query slower. */
export const MAX_TERMS = 16

// A token as unicode61 sees one: letters and digits, with their combining marks.
const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu
// A quoted phrase (closed or not), or a run of anything else up to a space or a quote.
const CHUNK = /"([^"]*)("?)(\*?)|[^\s"]+/gu

const malformed = (why: string) => new AppError("BAD_REQUEST", `q: ${why}`, { field: "q" })

/** The FTS5 query for `q`: one quoted string per term, OR kept between two terms. */
export function toFtsQuery(q: string): string {
  const parts: string[] = []
  let terms = 0
  for (const match of q.matchAll(CHUNK)) {
    const [chunk, phrase, closed, star] = match
    if (phrase !== undefined && !closed) throw malformed("a quote is not closed")
    // Terms are all required anyway.
    if (chunk === "AND") continue
    if (chunk === "OR") {
      if (parts.length === 0 || parts.at(-1) === "OR") throw malformed("OR must stand between two terms")
      parts.push("OR")
      continue
    }
    const words = (phrase ?? chunk).match(TOKEN) ?? []
    const prefix = phrase === undefined ? chunk.endsWith("*") : star === "*"
    if (words.length === 0) {
      if (prefix) throw malformed("* must follow a word")
      continue
    }
    // Punctuation inside a word ("l'élève", "e-mail") splits it as the index did: a phrase.
    parts.push(`"${words.join(" ")}"${prefix ? "*" : ""}`)
    terms++
  }
  if (parts.at(-1) === "OR") throw malformed("OR must stand between two terms")
  if (terms === 0) throw malformed("nothing to search for: type a word")
  if (terms > MAX_TERMS) throw malformed(`at most ${MAX_TERMS} terms`)
  return parts.join(" ")
}
