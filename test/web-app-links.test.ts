/** The web client's links in messages: only http and https become links; the text is kept whole. */
import { expect, test } from "bun:test"
import { linkify, safeUrl } from "../src/web/app/conversation/links.ts"

const joined = (text: string) =>
  linkify(text)
    .map((p) => (typeof p === "string" ? p : p.text))
    .join("")

test("http and https addresses become links, trailing punctuation stays text", () => {
  expect(linkify("see https://example.com/a?b=1, and http://x.test/.")).toEqual([
    "see ",
    { href: "https://example.com/a?b=1", text: "https://example.com/a?b=1" },
    ", and ",
    { href: "http://x.test/", text: "http://x.test/" },
    ".",
  ])
})

test("other schemes and markup stay plain text", () => {
  for (const text of [
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "data:text/html,<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "vbscript:msgbox(1) file:///etc/passwd",
  ])
    expect(linkify(text)).toEqual([text])
  // An address cannot carry a quote or an angle bracket out of the href.
  const parts = linkify('https://evil.test/"onmouseover="alert(1)')
  expect(parts[0]).toEqual({ href: "https://evil.test/", text: "https://evil.test/" })
})

test("the parts give the text back, whatever it holds", () => {
  for (const text of [
    "",
    "plain",
    "https://a.test",
    "x https://a.test/(b) y",
    "http://",
    "ftp://a.test https://b.test!",
  ])
    expect(joined(text)).toBe(text)
  expect(safeUrl("HTTPS://A.TEST/x")).toBe("https://a.test/x")
  expect(safeUrl("javascript:alert(1)")).toBeNull()
  expect(safeUrl("not a url")).toBeNull()
})
