/**
 * Causerie as a user starts it: `bun src/index.ts` (or `npm start`) as a child process, in a temporary
 * folder with its own database, and its output read line by line as it comes.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Subprocess } from "bun"
import { TEST_DEFAULTS } from "./server.ts"

export const ROOT = join(import.meta.dir, "..", "..")
const ENTRY = join(ROOT, "src", "index.ts")

/** A temporary folder for one command's data; `env` points the database and the secret into it. */
export function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), "causerie-cli-"))
  const env: Record<string, string> = {
    // Nothing inherited but what finds programs: the test runner's own settings must not leak in.
    PATH: process.env.PATH ?? "",
    HOME: dir,
    DATABASE_URL: `file:${join(dir, "chat.db")}`,
    DATA_DIR: dir,
    LOG_FORMAT: "json",
    ...TEST_DEFAULTS,
  }
  return { dir, env, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Runs `causerie <args>` to its end. */
export async function runCauserie(args: string[], env: Record<string, string>, stdin?: string) {
  const child = Bun.spawn([process.execPath, ENTRY, ...args], {
    cwd: env.DATA_DIR,
    env,
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  })
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { code, out, err }
}

/** Starts `command` (by default `bun src/index.ts`, in the data folder) and reads its output as it comes. */
export function startCauserie(
  env: Record<string, string>,
  { command = [process.execPath, ENTRY], cwd = env.DATA_DIR } = {},
) {
  const child = Bun.spawn(command, { cwd, env, stdout: "pipe", stderr: "pipe" })
  return { child, stdout: new Lines(child.stdout), stderr: new Lines(child.stderr) }
}

/** The lines of a stream: every one kept, and a way to wait for the next one that matches. */
export class Lines {
  readonly all: string[] = []
  // Resolved with the matching line, or with undefined when the stream ends first.
  private waiters: { match: (line: string) => boolean; resolve: (line?: string) => void }[] = []
  readonly ended: Promise<void>
  private done = false

  constructor(stream: ReadableStream<Uint8Array>) {
    this.ended = this.read(stream)
  }

  private async read(stream: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder()
    let buffer = ""
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true })
      for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n")) {
        this.push(buffer.slice(0, end))
        buffer = buffer.slice(end + 1)
      }
    }
    if (buffer) this.push(buffer)
    this.done = true
    for (const w of this.waiters) w.resolve(undefined)
  }

  private push(line: string) {
    this.all.push(line)
    const matched = this.waiters.filter((w) => w.match(line))
    this.waiters = this.waiters.filter((w) => !matched.includes(w))
    for (const w of matched) w.resolve(line)
  }

  /** The first line, past or to come, that matches; fails if the stream ends first. */
  async find(match: (line: string) => boolean): Promise<string> {
    const seen = this.all.find(match)
    if (seen !== undefined) return seen
    const line = this.done
      ? undefined
      : await new Promise<string | undefined>((resolve) => this.waiters.push({ match, resolve }))
    if (line === undefined) throw new Error(`the output ended first:\n${this.all.join("\n")}`)
    return line
  }

  /** The first JSON log line, past or to come, whose fields match. */
  async json(match: (fields: Record<string, any>) => boolean): Promise<Record<string, any>> {
    const line = await this.find((l) => l.startsWith("{") && match(JSON.parse(l)))
    return JSON.parse(line)
  }
}

/** Stops a child that is still running (a test that failed half-way must not leave it behind). */
export function kill(child: Subprocess) {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
}
