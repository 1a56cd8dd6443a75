/**
 * The release executable, as an operator gets it: built (or reused when fresher than its sources),
 * copied alone into an empty folder, and run with no Bun, Node or node_modules within reach.
 */
import { Database } from "bun:sqlite"
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test"
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pkg from "../package.json" with { type: "json" }
import { closeAll, connect, createConversation, join as joinRoom, signUp } from "./helpers/clients.ts"
import { waitFor as poll } from "./helpers/node.ts"
import type { TestServer } from "./helpers/server.ts"
import { waitFor } from "./helpers/wait.ts"

const root = join(import.meta.dir, "..")
const built = join(root, "dist", "causerie")
let dir: string
let bin: string

/** The newest modification time among the files the executable is built from. */
function newestSource(): number {
  const files = ["package.json", "package-lock.json", "scripts/build.ts"].map((f) => join(root, f))
  // client/: the web client in src/web/app is built from the typed client.
  for (const folder of ["src", "db", "client"])
    for (const f of readdirSync(join(root, folder), { recursive: true, encoding: "utf8" }))
      files.push(join(root, folder, f))
  return Math.max(...files.filter(existsSync).map((f) => statSync(f).mtimeMs))
}

beforeAll(async () => {
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource()) {
    const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: root, stderr: "pipe" })
    if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`)
  }
  dir = mkdtempSync(join(tmpdir(), "causerie-bin-"))
  bin = join(dir, "causerie")
  copyFileSync(built, bin)
  Bun.spawnSync(["chmod", "+x", bin])
})
afterEach(() => closeAll())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The executable's environment: nothing inherited, and a PATH holding only its own folder. */
const bare = (env: Record<string, string> = {}) => ({ PATH: dir, HOME: dir, LOG_FORMAT: "json", ...env })

function run(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
  const result = Bun.spawnSync([bin, ...args], {
    cwd: dir,
    env: bare(options.env),
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
  })
  return { code: result.exitCode, out: result.stdout.toString(), err: result.stderr.toString() }
}

describe("the executable, alone in an empty folder", () => {
  test("--version and --help", () => {
    expect(readdirSync(dir)).toEqual(["causerie"])
    const version = run(["--version"])
    expect(version).toMatchObject({ code: 0, out: `causerie ${pkg.version}\n` })
    const help = run(["--help"])
    expect(help.code).toBe(0)
    for (const word of [
      "migrate",
      "user create",
      "--password-stdin",
      "--port",
      "--db",
      "SHUTDOWN_TIMEOUT_MS",
    ])
      expect(help.out).toContain(word)
    expect(run(["--no-such-flag"]).code).toBe(2)
  })

  test("migrate: flags win over the environment", () => {
    const migrated = run(["migrate", "--db", "./flag.db"], { env: { DATABASE_URL: "file:./env.db" } })
    expect(migrated.code).toBe(0)
    expect(migrated.out).toContain("up to date")
    expect(existsSync(join(dir, "flag.db"))).toBe(true)
    expect(existsSync(join(dir, "env.db"))).toBe(false)
    const db = new Database(join(dir, "flag.db"), { readonly: true })
    const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    db.close()
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["users", "messages"]))
  })

  test("user create reads the password from stdin and prints the id", () => {
    const args = ["user", "create", "--email", "Admin@Example.test", "--password-stdin", "--db", "./users.db"]
    const created = run([...args, "--display-name", "Admin"], { stdin: "a long enough password\n" })
    expect(created).toMatchObject({ code: 0, out: "1\n" })
    const again = run(args, { stdin: "a long enough password\n" })
    expect(again.code).toBe(1)
    expect(again.err).toContain("already exists")
    expect(run(args, { stdin: "short\n" }).code).toBe(2)
    const db = new Database(join(dir, "users.db"), { readonly: true })
    const users = db.query("SELECT email, display_name AS name FROM users").all()
    db.close()
    expect(users).toEqual([{ email: "admin@example.test", name: "Admin" }])
  })

  test("serves two users chatting, stops on SIGTERM with exit 0, and the messages are on disk", async () => {
    const child = Bun.spawn([bin], {
      cwd: dir,
      env: bare({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: "./data" }),
      stdout: "pipe",
      stderr: "pipe",
    })
    const lines = readLines(child.stdout)
    try {
      const start = await nextLine(lines, (l) => l.event === "start")
      expect(start).toMatchObject({ version: pkg.version, database: `file:${dir}/data/chat.db` })
      const h = { url: start.url as string } as TestServer
      const [alice, bob] = await Promise.all(["alice", "bob"].map((n) => signUp(h, n)))
      const id = await createConversation(h, alice!, [bob!])
      const [a, b] = await Promise.all([alice!, bob!].map((u) => connect(h, u)))
      await Promise.all([joinRoom(a!, id), joinRoom(b!, id)])
      const [sent, got] = await Promise.all([
        a!.emitWithAck("send_message", { conversationId: id, text: "hello from the binary" }),
        waitFor(b!, "new_message"),
      ])
      expect(sent.ok).toBe(true)
      expect(got.message.text).toBe("hello from the binary")
      const reply = await b!.emitWithAck("send_message", { conversationId: id, text: "hello back" })
      expect(reply.ok).toBe(true)
      // The checkpointer thread is an entry of the executable of its own: found there, and at work.
      const checkpoints = async () =>
        Number(
          /^causerie_wal_checkpoint_seconds_count (\d+)$/m.exec(
            await (await fetch(`${h.url}/metrics`)).text(),
          )?.[1] ?? 0,
        )
      await poll(
        async () => (await checkpoints()) > 0,
        "a checkpoint by the executable's thread",
        () => child.exitCode !== null,
      )

      const notice = waitFor(a!, "server_shutdown")
      child.kill("SIGTERM")
      await notice
      expect(await child.exited).toBe(0)
      expect(await nextLine(lines, (l) => l.event === "shutdown" && l.outcome === "ok")).toBeDefined()
    } finally {
      child.kill("SIGKILL")
    }
    const db = new Database(join(dir, "data", "chat.db"), { readonly: true })
    const texts = db.query("SELECT text FROM messages ORDER BY id").all()
    db.close()
    expect(texts).toEqual([{ text: "hello from the binary" }, { text: "hello back" }])
  })
})

describe("the executable's documentation page", () => {
  test("/docs, its embedded assets and both API documents come from the executable, nothing from elsewhere", async () => {
    const child = Bun.spawn([bin], {
      cwd: dir,
      env: bare({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: "./docs-data" }),
      stdout: "pipe",
      stderr: "pipe",
    })
    try {
      const start = await nextLine(readLines(child.stdout), (l) => l.event === "start")
      const url = start.url as string
      const page = await fetch(`${url}/docs`)
      expect(page.status).toBe(200)
      const html = await page.text()
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
      expect(assets.length).toBeGreaterThanOrEqual(2)
      for (const asset of [...assets, "/api/openapi.json", "/api/asyncapi.json"]) {
        // Same origin only: a relative address, never another host (no CDN, no web font).
        expect(new URL(asset, url).origin).toBe(new URL(url).origin)
        const res = await fetch(new URL(asset, url))
        expect({ asset, status: res.status }).toEqual({ asset, status: 200 })
        if (!asset.startsWith("/api/"))
          expect((await res.text()).match(/https?:\/\/[\w.-]+/g) ?? []).toEqual([])
      }
    } finally {
      child.kill("SIGKILL")
    }
  })
})

describe("the executable's web client", () => {
  test("/ and a deep link answer the page with its CSP; its assets come from the executable, compressed and cached", async () => {
    const child = Bun.spawn([bin], {
      cwd: dir,
      env: bare({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: "./web-data" }),
      stdout: "pipe",
      stderr: "pipe",
    })
    try {
      const start = await nextLine(readLines(child.stdout), (l) => l.event === "start")
      const url = start.url as string
      const pages = await Promise.all(["/", "/c/42"].map((path) => fetch(`${url}${path}`)))
      for (const page of pages) {
        expect(page.status).toBe(200)
        expect(page.headers.get("content-security-policy")).toContain("script-src 'self'")
      }
      const html = await pages[0]!.text()
      expect(await pages[1]!.text()).toBe(html)
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
      expect(assets.filter((a) => a.endsWith(".js")).length).toBe(1)
      for (const asset of assets) {
        expect(new URL(asset, url).origin).toBe(new URL(url).origin)
        const res = await fetch(new URL(asset, url), {
          headers: { "accept-encoding": "br" },
          decompress: false,
        })
        expect({ asset, status: res.status, encoding: res.headers.get("content-encoding") }).toEqual({
          asset,
          status: 200,
          encoding: "br",
        })
        expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable")
      }
    } finally {
      child.kill("SIGKILL")
    }
  })
})

/** The JSON log lines of a stream, as they come. */
async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder()
  let buffer = ""
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true })
    let end = buffer.indexOf("\n")
    while (end !== -1) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 1)
      end = buffer.indexOf("\n")
      if (line.startsWith("{")) yield JSON.parse(line)
    }
  }
}

/** The next line matching `match`; fails when the output ends or 10 s pass. */
async function nextLine(
  lines: AsyncGenerator<Record<string, unknown>>,
  match: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the expected log line did not come within 10 s")), 10_000)
  })
  try {
    for (;;) {
      const { value, done } = await Promise.race([lines.next(), late])
      if (done) throw new Error("the output ended before the expected log line")
      if (match(value)) return value
    }
  } finally {
    clearTimeout(timer)
  }
}
