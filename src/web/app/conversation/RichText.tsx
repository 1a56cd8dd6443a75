/**
 * A message's text: escaped by Preact like every rendered string (never set as HTML), with http and
 * https addresses made into links that open in a new tab without giving it this page
 * (rel="noopener noreferrer"). Any other scheme (javascript:, data:...) stays plain text.
 */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi
// Punctuation that ends a sentence rather than the address.
const TRAILING = /[.,;:!?)\]}]+$/

/** The http(s) address in `candidate`, or null. */
export function safeUrl(candidate: string): string | null {
  try {
    const url = new URL(candidate)
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null
  } catch {
    return null
  }
}

export function RichText({ text }: { text: string }) {
  const parts: (string | preact.JSX.Element)[] = []
  let last = 0
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const raw = match[0].replace(TRAILING, "")
    const start = match.index
    const href = safeUrl(raw)
    if (!href) continue
    if (start > last) parts.push(text.slice(last, start))
    parts.push(
      <a key={start} href={href} target="_blank" rel="noopener noreferrer">
        {raw}
      </a>,
    )
    last = start + raw.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return <span class="text">{parts}</span>
}
