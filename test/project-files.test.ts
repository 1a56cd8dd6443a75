/** What a new user finds around the code: a licence, a changelog, a quiet install, documented scripts. */
import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import pkg from "../package.json" with { type: "json" }

const ROOT = join(import.meta.dir, "..")
const read = (file: string) => readFileSync(join(ROOT, file), "utf8")

describe("project files", () => {
  test("an MIT licence, named in package.json", () => {
    const licence = read("LICENSE")
    expect(licence).toStartWith("MIT License\n\nCopyright (c) 2026 The Causerie authors\n")
    expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS"')
    expect(pkg.license).toBe("MIT")
  })

  test("a changelog with the unreleased changes and the current version", () => {
    const changelog = read("CHANGELOG.md")
    expect(changelog).toContain("[Keep a Changelog]")
    expect(changelog).toContain("## [Unreleased]")
    expect(changelog).toMatch(
      new RegExp(`^## \\[${pkg.version.replaceAll(".", "\\.")}\\] - \\d{4}-\\d\\d-\\d\\d$`, "m"),
    )
  })

  test("npm run dev is documented", () => {
    expect(pkg.scripts.dev).toContain("--watch")
    expect(read("README.md")).toContain("`npm run dev`")
  })

  test("every dependency's install script is reviewed, so a clean install prints no warning", async () => {
    const npm = Bun.spawn(["npm", "install-scripts", "ls"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? ROOT,
        npm_config_update_notifier: "false",
      },
      stdout: "pipe",
      stderr: "pipe",
    })
    const [out, code] = await Promise.all([new Response(npm.stdout).text(), npm.exited])
    expect(code).toBe(0)
    expect(out.trim()).toBe("No packages with unreviewed install scripts.")
    expect(pkg.allowScripts).toEqual({ bun: true, esbuild: false, "@scarf/scarf": false })
  })
})
