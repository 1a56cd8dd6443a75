import { describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { CliIO } from "../src/cli/io.ts"
import { flagsAsEnv, runCli } from "../src/cli/run.ts"

/** Runs the command line in-process, capturing what it writes. */
async function cli(argv: string[], env: Record<string, string> = {}, stdin = "") {
  const out: string[] = []
  const err: string[] = []
  const io: CliIO = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => stdin,
    isTTY: false,
  }
  const result = await runCli(argv, env, io)
  if ("server" in result) {
    await result.server.stop()
    throw new Error("a server was started")
  }
  return { code: result.exitCode, out: out.join(""), err: err.join("") }
}

describe("command line", () => {
  test("flags become environment variables; --db takes a bare path", () => {
    expect(flagsAsEnv({ port: "8080", db: "./chat.db", "log-level": "debug" })).toEqual({
      PORT: "8080",
      DATABASE_URL: "file:./chat.db",
      LOG_LEVEL: "debug",
    })
    expect(flagsAsEnv({ "database-url": "libsql://db.example.com" })).toEqual({
      DATABASE_URL: "libsql://db.example.com",
    })
  })

  test("secrets are not flags: they would show in the process list", async () => {
    for (const flag of ["--jwt-secret", "--metrics-token", "--database-auth-token"]) {
      const { code, err } = await cli([flag, "x".repeat(40)])
      expect(code).toBe(2)
      expect(err).toContain(flag)
    }
  })

  test("usage and configuration errors exit 2 with a message", async () => {
    expect(await cli(["frobnicate"])).toMatchObject({ code: 2, err: expect.stringContaining("frobnicate") })
    expect(await cli(["--email", "a@b.c"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("user create"),
    })
    expect(await cli(["user", "create", "--email", "a@b.c"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("--password-stdin"),
    })
    expect(await cli(["migrate", "--port", "http"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("PORT"),
    })
  })

  test("PORT=' ' is refused like any invalid value, instead of serving on a random port", async () => {
    const dir = mkdtempSync(join(tmpdir(), "causerie-cli-"))
    try {
      const env = { PORT: " ", DATABASE_URL: `file:${dir}/chat.db`, DATA_DIR: dir, LOG_LEVEL: "silent" }
      expect(await cli([], env)).toEqual({
        code: 2,
        out: "",
        err: "PORT must be a whole number from 0 to 65535, got ' '\n",
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test("a flag wins over its environment variable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "causerie-cli-"))
    try {
      const env = { DATABASE_URL: `file:${dir}/env.db`, LOG_LEVEL: "silent" }
      const created = await cli(
        ["user", "create", "--email", "root@example.test", "--password-stdin", "--db", `${dir}/flag.db`],
        env,
        "a long enough password\r\n",
      )
      expect(created).toMatchObject({ code: 0, out: "1\n" })
      expect(await Bun.file(`${dir}/flag.db`).exists()).toBe(true)
      expect(await Bun.file(`${dir}/env.db`).exists()).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test("user create: the first account is an admin, --admin makes another; audit export prints JSON lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "causerie-cli-"))
    try {
      const env = { DATABASE_URL: `file:${dir}/chat.db`, LOG_LEVEL: "silent", REGISTRATION: "closed" }
      const create = (email: string, ...flags: string[]) =>
        cli(
          ["user", "create", "--email", email, "--password-stdin", ...flags],
          env,
          "a long enough password\n",
        )
      expect(await create("first@example.test")).toMatchObject({ code: 0, out: "1\n" })
      expect(await create("plain@example.test")).toMatchObject({ code: 0, out: "2\n" })
      expect(await create("boss@example.test", "--admin")).toMatchObject({ code: 0, out: "3\n" })
      const exported = await cli(["audit", "export"], env)
      expect(exported.code).toBe(0)
      const lines = exported.out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
      expect(lines.map((r) => [r.action, r.actorId, r.target, r.address, r.details])).toEqual([
        ["admin.user_create", null, "user:1", null, { via: "cli", isAdmin: false }],
        ["admin.user_create", null, "user:2", null, { via: "cli", isAdmin: false }],
        ["admin.user_create", null, "user:3", null, { via: "cli", isAdmin: true }],
      ])
      expect(
        (await cli(["audit", "export", "--after", String(lines[1].id)], env)).out.trim().split("\n"),
      ).toHaveLength(1)
      const { Database } = await import("bun:sqlite")
      const db = new Database(`${dir}/chat.db`, { readonly: true })
      expect(db.query("select id, is_admin from users order by id").all()).toEqual([
        { id: 1, is_admin: 1 },
        { id: 2, is_admin: 0 },
        { id: 3, is_admin: 1 },
      ])
      db.close()
      expect(await cli(["audit", "export", "--after", "x"], env)).toMatchObject({ code: 2 })
      expect(await cli(["migrate", "--admin"], env)).toMatchObject({
        code: 2,
        err: expect.stringContaining("user create"),
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
