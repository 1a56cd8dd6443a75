/** Starting `bun src/index.ts` as a new user would: what it prints when something is wrong, and when not. */
import { afterEach, describe, expect, test } from "bun:test"
import { networkInterfaces } from "node:os"
import type { Subprocess } from "bun"
import { networkUrls } from "../src/cli/banner.ts"
import { kill, runCauserie, sandbox, startCauserie } from "./helpers/process.ts"

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
    // 203.0.113.0/24 is reserved for documentation: not an address a machine normally has.
    expect(await runCauserie([], { ...env, HOST: "203.0.113.1", PORT: "0" })).toEqual({
      code: 1,
      out: "",
      err: "HOST 203.0.113.1 is not an address of this machine; set HOST\n",
    })
    // A folder where the database file should be.
    const unreadable = await runCauserie(["migrate"], { ...env, DATABASE_URL: `file:${dir}` })
    expect(unreadable.code).toBe(1)
    expect(unreadable.err).toStartWith("causerie: migrate failed: ")
    expect(unreadable.err.trimEnd().split("\n")).toHaveLength(1)
  })

  test("HOST=0.0.0.0: the banner shows the local URL and the addresses a teammate can use", async () => {
    const { env } = box()
    const { child, stdout } = startCauserie({ ...env, HOST: "0.0.0.0", PORT: "0" })
    children.push(child)
    const start = await stdout.json((fields) => fields.event === "start")
    const { port } = new URL(start.url)
    expect(start.url).toBe(`http://127.0.0.1:${port}`)
    const lan = Object.values(networkInterfaces())
      .flatMap((addresses) => addresses ?? [])
      .filter((a) => a.family === "IPv4" && !a.internal)
      .map((a) => `http://${a.address}:${port}`)
    expect(start.network).toEqual(lan)
    for (const url of [start.url, ...lan]) {
      expect(start.msg).toContain(url)
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
    }
    child.kill("SIGTERM")
    expect(await child.exited).toBe(0)
    expect(networkUrls("127.0.0.1", 3001)).toEqual([])
  })
})
