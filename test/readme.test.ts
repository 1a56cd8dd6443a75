/** The README stands on its own: its links stay inside the repository, and it describes the seed protocol. */
import { describe, expect, test } from "bun:test"
import { existsSync, readFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"

const ROOT = join(import.meta.dir, "..")
const readme = readFileSync(join(ROOT, "README.md"), "utf8")
// Code blocks hold examples, not links.
const prose = readme.replace(/```[\s\S]*?```/g, "")

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replaceAll(" ", "-")

describe("README", () => {
  test("every link is a web address, a heading of its own, or a file inside the repository", () => {
    const anchors = new Set([...prose.matchAll(/^#+ (.+)$/gm)].map(([, h]) => anchorOf(h!)))
    const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!)
    expect(links.length).toBeGreaterThan(0)
    for (const link of links) {
      if (/^https?:\/\//.test(link)) continue
      if (link.startsWith("#")) {
        expect(`${link}: ${anchors.has(link.slice(1))}`).toBe(`${link}: true`)
        continue
      }
      const path = resolve(ROOT, link.split("#")[0]!)
      expect(`${link}: ${relative(ROOT, path).startsWith("..") ? "outside" : "inside"}`).toBe(
        `${link}: inside`,
      )
      expect(`${link}: ${existsSync(path)}`).toBe(`${link}: true`)
    }
  })

  test("it describes the seed protocol in English: every seed event and table, and where it comes from", () => {
    const start = readme.indexOf("## The seed protocol")
    expect(start).toBeGreaterThan(-1)
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1))
    expect(section).toContain("original design document, written in French")
    for (const name of [
      "join_conversation",
      "conversation_joined",
      "send_message",
      "new_message",
      "mark_message_read",
      "message_read",
      "leave_conversation",
      "user_joined",
      "user_left",
      "`error`",
      "replyToMessageId",
      "audioUrl",
      "conversation_participants",
      "message_reads",
      "authenticateSocket",
    ])
      expect(section).toContain(name)
  })
})
