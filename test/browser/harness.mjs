/**
 * The browser tests' harness: the release executable (built once per source state, shared by every test
 * file), started on a free port with a temporary DATA_DIR, and Debian's Chromium driven by playwright-core.
 * Plain ESM JavaScript: these files run under Node's test runner (`node --test test/browser/`), because
 * Playwright does not run under Bun.
 */
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs"
import { createServer as createNetServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { after, before } from "node:test"
import { setTimeout as sleep } from "node:timers/promises"
import { fileURLToPath } from "node:url"

export const root = fileURLToPath(new URL("../..", import.meta.url))

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH points elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

/** Fails with one line saying how to get Chromium, rather than letting the browser tests pass unseen. */
export function requireChromium() {
  if (!existsSync(chromiumPath))
    throw new Error(
      `Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\` (Debian) or set CHROMIUM_PATH`,
    )
}

/** The files the executable is built from, hashed: a new build only when one of them changed. */
function sourceHash() {
  const hash = createHash("sha256")
  const files = ["package.json", "package-lock.json", "scripts/build.ts"]
  for (const folder of ["src", "db"])
    for (const f of readdirSync(join(root, folder), { recursive: true, encoding: "utf8" }).sort())
      files.push(join(folder, f))
  for (const f of files) {
    const path = join(root, f)
    if (!existsSync(path) || !statSync(path).isFile()) continue
    hash.update(f).update("\0").update(readFileSync(path)).update("\0")
  }
  return hash.digest("hex").slice(0, 16)
}

/**
 * The executable for the current sources: built with `scripts/build.ts` into a temporary folder named
 * by the sources' hash, once; the test files (separate processes) wait on a lock file for the one building.
 */
export async function buildExecutable() {
  const dir = join(tmpdir(), `causerie-browser-${sourceHash()}`)
  const bin = join(dir, "causerie")
  if (existsSync(bin)) return used(bin)
  mkdirSync(dir, { recursive: true })
  const lock = join(dir, "building")
  let fd
  for (;;) {
    try {
      fd = openSync(lock, "wx")
      break
    } catch {
      // Another test file is building: wait for its result, or take over a lock left by a killed build.
      if (existsSync(bin)) return used(bin)
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 180_000)
        rmSync(lock, { force: true })
      await sleep(250)
    }
  }
  try {
    if (existsSync(bin)) return bin
    const partial = join(dir, `causerie.${process.pid}`)
    const build = spawnSync(join(root, "node_modules/.bin/bun"), ["scripts/build.ts", "--outfile", partial], {
      cwd: root,
      encoding: "utf8",
    })
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`)
    rmSync(`${partial}.map`, { force: true })
    renameSync(partial, bin)
    forgetOlderBuilds(dir)
    return bin
  } finally {
    closeSync(fd)
    rmSync(lock, { force: true })
  }
}

/** Marks a build as used now, so that another checkout's run does not take it for an old one. */
function used(bin) {
  const now = new Date()
  utimesSync(bin, now, now)
  return bin
}

/** How long a build nobody used is kept: another checkout (a second worktree) may be testing with it. */
const UNUSED_BUILD_MS = 60 * 60 * 1000

/**
 * Removes the executables built for earlier states of the sources (about 120 MB each) once unused for an
 * hour, unless one is building: removing one at once broke a run of another checkout in the middle.
 */
function forgetOlderBuilds(current) {
  for (const name of readdirSync(tmpdir())) {
    const dir = join(tmpdir(), name)
    if (!name.startsWith("causerie-browser-") || name.startsWith("causerie-browser-data-") || dir === current)
      continue
    const bin = statSync(join(dir, "causerie"), { throwIfNoEntry: false })
    if (bin && Date.now() - bin.mtimeMs > UNUSED_BUILD_MS && !existsSync(join(dir, "building")))
      rmSync(dir, { recursive: true, force: true })
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort() {
  const server = createNetServer()
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * The executable serving on a free port with a fresh DATA_DIR. `restart()` stops it (SIGTERM, waiting for
 * its exit) and starts it again on the same port and folder, as an operator's restart does.
 */
export async function startServer(env = {}) {
  const bin = await buildExecutable()
  const dir = mkdtempSync(join(tmpdir(), "causerie-browser-data-"))
  const port = await freePort()
  const settings = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: join(dir, "data"),
    // A fresh secret per run, kept across restarts so that sessions survive them.
    JWT_SECRET: randomBytes(32).toString("hex"),
    LOG_FORMAT: "json",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "info",
    // The cheapest argon2id the server accepts, and no throttles on sign-ups from one address.
    PASSWORD_HASH_MEMORY_KIB: "1024",
    PASSWORD_HASH_TIME_COST: "1",
    RATE_LIMIT_REGISTRATIONS_PER_HOUR: "0",
    RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "0",
    RATE_LIMIT_CHANGES_PER_MINUTE: "0",
    // Typing notices too: a test types faster than a person, and a refused notice only adds noise.
    RATE_LIMIT_TYPING_PER_SECOND: "0",
    ...env,
  }
  const url = `http://127.0.0.1:${port}`
  const server = { url, dir, port, child: null, log: [] }

  server.start = async () => {
    const child = spawn(bin, [], { cwd: dir, env: settings, stdio: ["ignore", "pipe", "pipe"] })
    server.child = child
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })))
    child.exited = exited
    const lines = createInterface({ input: child.stdout })
    lines.on("line", (line) => {
      server.log.push(line)
      if (process.env.TEST_SERVER_LOG) process.stderr.write(`[server] ${line}\n`)
    })
    child.stderr.on("data", (chunk) => server.log.push(chunk.toString()))
    const started = new Promise((resolve) => {
      lines.on("line", (line) => {
        if (line.includes('"event":"start"')) resolve(true)
      })
    })
    const outcome = await Promise.race([
      started,
      exited.then(
        ({ code }) => new Error(`the server exited (${code}) before starting:\n${server.log.join("\n")}`),
      ),
      sleep(20_000, null, { ref: false }).then(
        () => new Error(`the server did not start within 20 s:\n${server.log.join("\n")}`),
      ),
    ])
    if (outcome instanceof Error) {
      child.kill("SIGKILL")
      throw outcome
    }
  }

  server.stop = async () => {
    const child = server.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    child.kill("SIGTERM")
    const outcome = await Promise.race([child.exited, sleep(15_000, null, { ref: false }).then(() => null)])
    if (!outcome) {
      child.kill("SIGKILL")
      await child.exited
      throw new Error("the server did not stop within 15 s of SIGTERM")
    }
  }

  /** Runs a command of the executable (`user create ...`) with the server's settings; answers its stdout. */
  server.cli = (args, input) => {
    const run = spawnSync(bin, args, { cwd: dir, env: settings, input, encoding: "utf8" })
    if (run.status !== 0) throw new Error(`causerie ${args.join(" ")}: exit ${run.status}\n${run.stderr}`)
    return run.stdout
  }

  server.restart = async () => {
    await server.stop()
    await server.start()
  }

  server.close = async () => {
    try {
      await server.stop()
    } finally {
      if (!process.env.KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true })
    }
  }

  await server.start()
  return server
}

/**
 * One executable and one Chromium for a test file: both started before its first test (then `ready`
 * hears them, to keep them and to set up what every test shares), both closed after its last.
 */
export function useServerAndBrowser(ready) {
  let started = {}
  before(async () => {
    started = { server: await startServer() }
    started.browser = await launchBrowser()
    await ready(started)
  })
  after(async () => {
    await started.browser?.close()
    await started.server?.close()
  })
}

/** No window opened a JavaScript dialog (an XSS payload that ran) or threw an uncaught error. */
export function assertNoDialogsOrErrors(contexts) {
  for (const context of contexts) {
    assert.deepEqual(context.dialogs, [])
    assert.deepEqual(context.pageErrors, [])
  }
}

/** Debian's Chromium, headless, with a fake microphone and camera that need no permission prompt. */
export async function launchBrowser() {
  requireChromium()
  const { chromium } = await import("playwright-core")
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
  })
}

/**
 * A browser context (one user's window) that records every JavaScript dialog (an XSS payload that ran
 * would open one) and every uncaught page error, dismissing dialogs so that nothing hangs.
 */
export async function newContext(browser, server, options = {}) {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: 1280, height: 800 },
    permissions: ["microphone"],
    ...options,
  })
  context.dialogs = []
  context.pageErrors = []
  context.on("page", (page) => watchPage(context, page))
  return context
}

function watchPage(context, page) {
  page.on("dialog", (dialog) => {
    context.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    dialog.dismiss().catch(() => {})
  })
  page.on("pageerror", (error) => context.pageErrors.push(String(error)))
}

/** Registers an account over HTTP, as the API's own clients do: `{user, token}`. */
export async function register(
  server,
  name,
  password = "a long enough password",
  email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}.${randomBytes(3).toString("hex")}@example.test`,
) {
  const res = await fetch(`${server.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email, password, displayName: name }),
  })
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${await res.text()}`)
  const body = await res.json()
  return { ...body, email, password }
}

/** Logs an account in over HTTP: `{user, token}` with its email and password. */
export async function login(server, email, password) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email, password }),
  })
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`)
  return { ...(await res.json()), email, password }
}

/** A server admin made with the executable's `user create` (works whatever REGISTRATION says), logged in. */
export async function createAdmin(server, name = "Root Admin") {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}.${randomBytes(3).toString("hex")}@example.test`
  const password = "a long enough password"
  server.cli(
    ["user", "create", "--admin", "--email", email, "--display-name", name, "--password-stdin"],
    `${password}\n`,
  )
  return login(server, email, password)
}

/** Calls the HTTP API as a registered account (Bearer), answering the parsed JSON; throws on an error status. */
export async function api(server, account, method, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${account.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

/** Puts an account's session cookie into a browser context: signed in without going through the form. */
export async function signInContext(context, server, account) {
  await context.addCookies([
    { name: "token", value: account.token, url: server.url, httpOnly: true, sameSite: "Lax" },
  ])
}

const axeSource = () => readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8")

/**
 * axe-core's violations of impact serious or critical on the page as it is now, WCAG A and AA rules.
 * axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not block.
 */
export async function seriousViolations(page) {
  const installed = await page.evaluate(() => typeof window.axe === "object")
  if (!installed) await page.evaluate(axeSource())
  const result = await page.evaluate(async () =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }),
  )
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }))
}
