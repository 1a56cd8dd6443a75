/** Where a `file:` database URL points; apart from db.ts, so that reading it loads no database driver. */

/** The file path of a `file:` URL, or undefined for an in-memory database. */
export function localPath(url: string): string | undefined {
  const rest = url.slice("file:".length).replace(/^\/\/(?=\/)/, "")
  if (rest === "" || rest.startsWith(":memory:")) return undefined
  return rest.split("?")[0]
}
