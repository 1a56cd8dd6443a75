/**
 * The directory: people found by a display-name prefix, a word prefix or an exact email (case and
 * accents ignored), and one person's profile.
 *
 * Whom it finds (USER_DIRECTORY): `all`, every account; `shared`, only people one shares a
 * conversation with (shared.ts), plus whoever has exactly the email asked for. Whose email it shows:
 * the one asked for exactly (the caller typed it); and every email only with `all` on a server where
 * REGISTRATION is `invite` or `closed`, whose accounts an admin let in. With open registration a
 * directory listing addresses would hand all of them to whoever signs up.
 */
import type { Config } from "../../config.ts"
import type { PublicUser } from "../../contract.ts"
import type { Db } from "../../db.ts"
import { AppError } from "../../errors.ts"
import { HIDDEN_EMAIL } from "../userService.ts"
import { likeLiteral, searchName } from "./searchName.ts"
import { sharesConversation } from "./shared.ts"

export interface DirectoryDeps {
  db: Db
  mode: Config["userDirectory"]
  registration: Config["registration"]
}

type Arg = string | number
interface Row {
  id: number
  email: string
  displayName: string | null
}

/** The directory over one database. */
export function createDirectory({ db, mode, registration }: DirectoryDeps) {
  const listsEmails = mode === "all" && registration !== "open"
  const show = (r: Row, exact?: string): PublicUser => ({
    id: r.id,
    email: listsEmails || r.email === exact ? r.email : HIDDEN_EMAIL,
    displayName: r.displayName,
  })
  const rows = async (sql: string, args: Arg[]): Promise<Row[]> =>
    (await db.$client.execute({ sql, args })).rows.map((r) => ({
      id: Number(r.id),
      email: String(r.email),
      displayName: r.display_name === null ? null : String(r.display_name),
    }))

  return {
    /** The people `viewerId` may find matching `q` (everyone visible without one), the viewer excluded. */
    async search(viewerId: number, { q, limit }: { q?: string; limit: number }): Promise<PublicUser[]> {
      const key = likeLiteral(searchName(q))
      const exact = q?.includes("@") ? q.toLowerCase() : undefined
      const matches: string[] = []
      const args: Arg[] = [viewerId]
      if (key) {
        matches.push("u.search_name LIKE ? ESCAPE '\\'", "u.search_name LIKE ? ESCAPE '\\'")
        args.push(`${key}%`, `% ${key}%`)
      }
      if (exact) {
        matches.push("u.email = ?")
        args.push(exact)
      }
      const match = q ? `(${matches.join(" OR ") || "0"})` : "1"
      let visible = "1"
      if (mode === "shared") {
        visible = `(${exact ? "u.email = ? OR " : ""}${sharesConversation("?", "u.id")})`
        args.push(...(exact ? [exact] : []), viewerId)
      }
      const found = await rows(
        `SELECT u.id, u.email, u.display_name FROM users u
         WHERE u.deleted_at IS NULL AND u.id <> ? AND ${match} AND ${visible}
         ORDER BY u.search_name, u.id LIMIT ?`,
        [...args, limit],
      )
      return found.map((r) => show(r, exact))
    },

    /** One person as `viewerId` may see them; NOT_FOUND alike for unknown and not visible. */
    async profile(viewerId: number, id: number): Promise<PublicUser> {
      const visible = mode === "all" ? "1" : `(u.id = ? OR ${sharesConversation("?", "u.id")})`
      const [row] = await rows(
        `SELECT u.id, u.email, u.display_name FROM users u WHERE u.id = ? AND u.deleted_at IS NULL AND ${visible}`,
        mode === "all" ? [id] : [id, viewerId, viewerId],
      )
      if (!row) throw new AppError("NOT_FOUND", `User ${id} does not exist`)
      return row.id === viewerId ? { id: row.id, email: row.email, displayName: row.displayName } : show(row)
    },

    /** Gives accounts written before the directory existed (or by other tools) their search names. */
    async backfill(): Promise<void> {
      const { rows: missing } = await db.$client.execute(
        "SELECT id, display_name FROM users WHERE search_name IS NULL",
      )
      for (let i = 0; i < missing.length; i += 500)
        await db.$client.batch(
          missing.slice(i, i + 500).map((r) => ({
            sql: "UPDATE users SET search_name = ? WHERE id = ?",
            args: [searchName(r.display_name as string | null), Number(r.id)],
          })),
          "write",
        )
    },
  }
}

export type Directory = ReturnType<typeof createDirectory>
