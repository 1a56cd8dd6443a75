/**
 * The typed client is portable: bundled for browsers it carries no server code (the contract is
 * imported as types only) and no Bun API; bundled for Node, it chats with the server from `node`.
 */
import { afterAll, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { useTestServer } from "./helpers/useTestServer.ts"

const h = useTestServer()
const root = join(import.meta.dir, "..")
const dir = mkdtempSync(join(tmpdir(), "causerie-client-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function bundle(target: "browser" | "node"): Promise<string> {
  const result = await Bun.build({ entrypoints: [join(root, "client/index.ts")], target, format: "esm" })
  expect(result.logs.filter((l) => l.level === "error")).toEqual([])
  return result.outputs[0]!.text()
}

test("the browser bundle holds the client and socket.io-client, nothing of the server, no Bun API", async () => {
  const code = await bundle("browser")
  // Unminified bundles name each module they hold in a comment.
  const modules = [...code.matchAll(/^\/\/ (\S+\.[cm]?[jt]s)$/gm)].map((m) => m[1]!)
  expect(modules.filter((m) => m.startsWith("client/")).sort()).toEqual([
    "client/connection.ts",
    "client/errors.ts",
    "client/events.ts",
    "client/follow.ts",
    "client/http.ts",
    "client/index.ts",
    "client/peopleHttp.ts",
  ])
  // From the server's tree only the contract's plain list of sequenced events (a module with no import).
  expect(
    modules.filter((m) => m.startsWith("src/") || /node_modules\/(zod|hono|drizzle|socket\.io\/)/.test(m)),
  ).toEqual(["src/schemas/sequenced.ts"])
  expect(code).not.toMatch(/\bBun\.|from ["']bun:/)
})

test("from Node: register, create, follow, send and hear the message", async () => {
  writeFileSync(join(dir, "client.mjs"), await bundle("node"))
  writeFileSync(
    join(dir, "chat.mjs"),
    `import { connect, createHttp } from "./client.mjs"
const url = process.argv[2]
const http = createHttp({ url })
const { token, user } = await http.register({ email: "node." + Date.now() + "@example.test", password: "correct horse battery" })
const { id } = await http.conversations.create({ participantIds: [] })
const chat = connect({ url, token, socket: { transports: ["websocket"] } })
const heard = new Promise((resolve) => chat.subscribe((e) => e.type === "new_message" && resolve(e.data.message.text)))
await chat.follow(id)
const ack = await chat.send(id, { text: "from node" })
console.log(JSON.stringify({ user: user.id > 0, seq: ack.message.seq, heard: await heard, runtime: process.release.name }))
chat.close()
`,
  )
  const node = Bun.spawn(["node", join(dir, "chat.mjs"), h.url], { stdout: "pipe", stderr: "pipe" })
  const [out, err, code] = await Promise.all([
    new Response(node.stdout).text(),
    new Response(node.stderr).text(),
    node.exited,
  ])
  expect({ code, err }).toEqual({ code: 0, err: "" })
  expect(JSON.parse(out)).toEqual({ user: true, seq: 1, heard: "from node", runtime: "node" })
})
