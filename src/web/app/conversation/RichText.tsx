/**
 * A message's text: escaped by Preact like every rendered string (never set as HTML), with http and
 * https addresses as links that open in a new tab without access to this page (noopener noreferrer).
 */
import { linkify } from "./links.ts"

export function RichText({ text }: { text: string }) {
  return (
    <span class="text">
      {linkify(text).map((part, i) =>
        typeof part === "string" ? (
          part
        ) : (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ),
      )}
    </span>
  )
}
