/** What the database file holds by itself, without its write-ahead log: what a checkpoint has copied back. */
import { Database } from "bun:sqlite"
import { copyFileSync } from "node:fs"
import { join } from "node:path"
import { tempDir } from "./server.ts"

/** The messages with `text` in a copy of the database file at `dbPath` alone (its log left behind). */
export function messagesInFileAlone(dbPath: string, text: string): number {
  const copy = join(tempDir(), "copy.db")
  copyFileSync(dbPath, copy)
  const db = new Database(copy)
  try {
    return (db.query("SELECT count(*) AS n FROM messages WHERE text = ?").get(text) as { n: number }).n
  } catch {
    return 0 // the schema itself may not be in the file yet
  } finally {
    db.close()
  }
}
