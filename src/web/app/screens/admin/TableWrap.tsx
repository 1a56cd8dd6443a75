/** A table that scrolls sideways on a narrow screen: focusable, so the keyboard can scroll it too. */
import type { ComponentChildren } from "preact"

export function TableWrap({ labelledBy, children }: { labelledBy: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it
    <section class="table-wrap" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </section>
  )
}
