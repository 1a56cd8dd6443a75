/** LOG_FORMAT=pretty (and a terminal): one line per record, so one line per request and per socket event. */
import { afterEach, expect, test } from "bun:test"
import { closeAll, connect, createConversation, join, signUp } from "./helpers/clients.ts"
import { kill, sandbox, startCauserie } from "./helpers/process.ts"
import type { TestServer } from "./helpers/server.ts"

afterEach(() => closeAll())

// biome-ignore lint/suspicious/noControlCharactersInRegex: the colour codes pino-pretty writes
const COLOURS = /\u001b\[[0-9;]*m/g
const RECORD_START = /^\[\d\d:\d\d:\d\d\.\d{3}\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\b/

test("every pretty line starts a record: requests and socket events take one line each", async () => {
  const box = sandbox()
  const { child, stdout } = startCauserie({ ...box.env, HOST: "127.0.0.1", PORT: "0", LOG_FORMAT: "pretty" })
  try {
    const banner = await stdout.find((line) => line.includes("listening on"))
    const h = { url: /http:\/\/127\.0\.0\.1:\d+/.exec(banner)![0] } as TestServer
    const [alice, bob] = await Promise.all(["alice", "bob"].map((n) => signUp(h, n)))
    const id = await createConversation(h, alice!, [bob!])
    const a = await connect(h, alice!)
    await join(a, id)
    const refused = await a.emitWithAck("join_conversation", { conversationId: id + 1000 })
    expect(refused.ok).toBe(false)
    a.close()
    await stdout.find((line) => line.includes("socket disconnected"))
    child.kill("SIGTERM")
    expect(await child.exited).toBe(0)
    await stdout.ended

    const lines = stdout.all.map((line) => line.replace(COLOURS, "")).filter(Boolean)
    for (const line of lines) expect(line).toMatch(RECORD_START)
    const one = (what: string) => expect(lines.filter((line) => line.includes(what))).toHaveLength(1)
    one("POST /api/conversations 201")
    one("socket connected")
    one(`join_conversation ok`)
    one(`join_conversation ${refused.error.code}`)
    one("socket disconnected")
    expect(lines.filter((line) => line.includes("POST /api/auth/register 201"))).toHaveLength(2)
  } finally {
    kill(child)
    box.remove()
  }
})
