/** Each setting is declared once: the README's table and `--help` are made from the declarations. */
import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { configurationTable, README, readmeTable, shownDefault } from "../scripts/readme-config.ts"
import type { Declaration } from "../src/config/settings.ts"
import { SETTING_NAMES, SETTINGS } from "../src/config.ts"
import { runCauserie, sandbox } from "./helpers/process.ts"

const readme = readFileSync(README, "utf8")

describe("settings declared once", () => {
  test("the README's table has every setting, with its declared default, and nothing else", () => {
    const rows = readmeTable(readme)
      .split("\n")
      .slice(2)
      .map((row) => row.split(" | ").map((cell) => cell.replace(/^\| /, "")))
    expect(rows.map(([name]) => name)).toEqual(SETTING_NAMES.map((name) => `\`${name}\``))
    for (const [name, shown] of rows) {
      const setting: Declaration = SETTINGS[name!.replaceAll("`", "") as keyof typeof SETTINGS]
      expect(`${name}: ${shown}`).toBe(`${name}: ${shownDefault(setting)}`)
    }
  })

  test("the README's table is exactly the generated one (run `bun scripts/readme-config.ts`)", () => {
    expect(readmeTable(readme)).toBe(configurationTable())
  })

  test("every default is valid, and `--help` lists every setting but the secrets", async () => {
    const box = sandbox()
    try {
      const { code, out } = await runCauserie(["--help"], box.env)
      expect(code).toBe(0)
      for (const name of SETTING_NAMES) {
        const setting: Declaration = SETTINGS[name]
        const shown = setting.shownDefault ?? setting.default
        if (setting.secret) expect(out).not.toContain(`--${name.toLowerCase().replaceAll("_", "-")}`)
        else expect(out).toContain(`${name}${shown ? `, default ${shown}` : ""}\n`)
        if (setting.default !== undefined)
          expect(setting.kind.schema.safeParse(setting.default).success).toBe(true)
      }
    } finally {
      box.remove()
    }
  })
})
