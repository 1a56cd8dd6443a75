/** Starting `bun src/index.ts` as a new user would: what it prints when something is wrong, and when not. */
import { afterEach, describe, expect, test } from "bun:test"
import type { Subprocess } from "bun"
import { kill, runCauserie, sandbox } from "./helpers/process.ts"

const boxes: ReturnType<typeof sandbox>[] = []
const children: Subprocess[] = []
afterEach(() => {
  for (const child of children.splice(0)) kill(child)
  for (const box of boxes.splice(0)) box.remove()
})
function box() {
  const b = sandbox()
  boxes.push(b)
  return b
}

describe("starting the server", () => {
  test("invalid settings: one line per variable on stderr, in the setting's terms, exit 2", async () => {
    const { env } = box()
    const result = await runCauserie([], { ...env, PORT: "abc", JWT_TTL: "soon" })
    expect(result).toEqual({
      code: 2,
      out: "",
      err:
        "PORT must be a whole number from 0 to 65535, got 'abc'\n" +
        "JWT_TTL must be a duration such as 45s, 30m, 12h, 7d or a number of seconds, got 'soon'\n",
    })
  })
})
