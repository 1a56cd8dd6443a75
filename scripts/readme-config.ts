/**
 * The README's Configuration table, made from the settings' declarations (src/config/settings.ts).
 * `bun scripts/readme-config.ts` rewrites it in README.md; test/config-docs.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Declaration } from "../src/config/settings.ts"
import { SETTING_NAMES, SETTINGS } from "../src/config.ts"

export const README = join(import.meta.dir, "..", "README.md")
const HEADER = "| Variable | Default | Meaning |"

/** How the table shows a setting's default: a literal in quotes, a phrase as is, a dash for none. */
export function shownDefault(setting: Declaration): string {
  if (setting.shownDefault) return setting.shownDefault
  return setting.default === undefined ? "–" : `\`${setting.default}\``
}

/** The table, one row per setting in declaration order. */
export function configurationTable(): string {
  const rows = SETTING_NAMES.map((name) => {
    const setting: Declaration = SETTINGS[name]
    const meaning = [setting.description, setting.details].filter(Boolean).join(" ")
    return `| \`${name}\` | ${shownDefault(setting)} | ${meaning} |`
  })
  return [HEADER, "| --- | --- | --- |", ...rows].join("\n")
}

/** The table as the README has it now: from its header to the last row. */
export function readmeTable(readme: string): string {
  const lines = readme.split("\n")
  const start = lines.indexOf(HEADER)
  if (start === -1) throw new Error(`README.md has no "${HEADER}" table`)
  let end = start
  while (lines[end + 1]?.startsWith("|")) end++
  return lines.slice(start, end + 1).join("\n")
}

if (import.meta.main) {
  const readme = readFileSync(README, "utf8")
  writeFileSync(README, readme.replace(readmeTable(readme), configurationTable()))
  console.log("README.md: Configuration table rewritten from src/config/settings.ts")
}
