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

  test("a port in use: one line naming it, exit 1, no stack trace", async () => {
    const { env } = box()
    const taken = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("taken") })
    try {
      const result = await runCauserie([], { ...env, HOST: "127.0.0.1", PORT: String(taken.port) })
      expect(result).toEqual({ code: 1, out: "", err: `port ${taken.port} is in use; set PORT\n` })
    } finally {
      taken.stop(true)
    }
  })

  test("any other start failure: one clear line, exit 1", async () => {
    const { env, dir } = box()
    // 192.0.2.1 is reserved for documentation: no machine has it.
    expect(await runCauserie([], { ...env, HOST: "192.0.2.1", PORT: "0" })).toEqual({
      code: 1,
      out: "",
      err: "HOST 192.0.2.1 is not an address of this machine; set HOST\n",
    })
    // A folder where the database file should be.
    const unreadable = await runCauserie(["migrate"], { ...env, DATABASE_URL: `file:${dir}` })
    expect(unreadable.code).toBe(1)
    expect(unreadable.err).toStartWith("causerie: migrate failed: ")
    expect(unreadable.err.trimEnd().split("\n")).toHaveLength(1)
  })
})
