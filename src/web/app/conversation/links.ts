/**
 * Finds the addresses to make clickable in a message's text: http and https only, checked by the URL
 * parser; any other scheme (javascript:, data:, vbscript:...) stays plain text. Trailing punctuation
 * ends the sentence, not the address.
 */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi
const TRAILING = /[.,;:!?)\]}]+$/

/** The http(s) address in `candidate`, normalised, or null. */
export function safeUrl(candidate: string): string | null {
  try {
    const url = new URL(candidate)
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null
  } catch {
    return null
  }
}

export type TextPart = string | { href: string; text: string }

/** The text cut into plain strings and links, in order; joined, the parts' texts give the text back. */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const shown = match[0].replace(TRAILING, "")
    const href = safeUrl(shown)
    if (!href) continue
    if (match.index > last) parts.push(text.slice(last, match.index))
    parts.push({ href, text: shown })
    last = match.index + shown.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return parts
}
