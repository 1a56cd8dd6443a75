/**
 * The form in which the directory compares names: lower case, accents and other marks removed,
 * anything but letters and digits turned into single spaces. "Zoë O'Brien-Saïd" -> "zoe o brien said".
 */
export function searchName(name: string | null | undefined): string {
  if (!name) return ""
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
}

/** A LIKE pattern that matches `text` literally, escaped with a backslash. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)
