/**
 * Full-text search over message text (SQLite FTS5, `unicode61 remove_diacritics 2`: case and
 * accents ignored), newest first, only in the caller's conversations and only among the messages
 * sent since they joined. New messages are indexed after their commit, and before every search
 * (searchIndex.ts), so a search sees every committed message; edit and erasure triggers (migration
 * 0007) keep the index in step in the transaction of the change, so a deleted or edited text is out
 * of it the moment the change commits.
 */
import type { SearchResults } from "../contract.ts"
import type { Db } from "../db.ts"
import { AppError } from "../errors.ts"
import type { SearchQuery } from "../schemas/messageInputs.ts"
import { messagesByIds } from "./messageRows.ts"
import type { SearchIndexer } from "./searchIndex.ts"
import { toFtsQuery } from "./searchQuery.ts"

// The index drives (newest first, which FTS5 reads in rowid order without sorting); each match is
// then checked against the caller's participation, one primary-key lookup each.
const SEARCH = `SELECT m.id, m.conversation_id, c.type, c.title,
    snippet(messages_fts, 0, char(2), char(3), '…', 16) AS snippet
  FROM messages_fts
  JOIN messages m ON m.id = messages_fts.rowid
  JOIN conversation_participants p ON p.conversation_id = m.conversation_id AND p.user_id = ?
  JOIN conversations c ON c.id = m.conversation_id
  WHERE messages_fts MATCH ? AND p.left_at IS NULL AND m.created_at >= p.joined_at
    AND m.deleted_at IS NULL`

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
}

/**
 * The snippet as HTML: the text escaped, each match in <mark>. The markers FTS5 put in are control
 * characters that no stored text can hold (clients may not send them), so none is forged.
 */
export const snippetHtml = (raw: string) =>
  raw
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replaceAll("\u0002", "<mark>")
    .replaceAll("\u0003", "</mark>")

/** Search over one database. */
export function createSearch({ db, index }: { db: Db; index: Pick<SearchIndexer, "catchUp"> }) {
  return {
    /** A page of hits, newest first; `nextBefore` continues it, null at the end. */
    async search(userId: number, query: SearchQuery): Promise<SearchResults> {
      const match = toFtsQuery(query.q)
      await index.catchUp()
      let sql = SEARCH
      const args: (number | string)[] = [userId, match]
      if (query.conversationId !== undefined) {
        sql += " AND m.conversation_id = ?"
        args.push(query.conversationId)
      }
      if (query.before !== undefined) {
        sql += " AND messages_fts.rowid < ?"
        args.push(query.before)
      }
      sql += " ORDER BY messages_fts.rowid DESC LIMIT ?"
      args.push(query.limit + 1)
      let rows: Awaited<ReturnType<Db["$client"]["execute"]>>["rows"]
      try {
        ;({ rows } = await db.$client.execute({ sql, args }))
      } catch (err) {
        // toFtsQuery writes only quoted terms; should FTS5 still refuse one, it is the query's fault.
        if (/fts5|syntax error|unterminated/i.test(String((err as Error).message)))
          throw new AppError("BAD_REQUEST", "q: not a search FTS5 can run", { field: "q" })
        throw err
      }
      const page = rows.slice(0, query.limit)
      const messages = new Map(
        (
          await messagesByIds(
            db,
            page.map((r) => Number(r.id)),
            userId,
          )
        ).map((m) => [m.id, m]),
      )
      const results = page.flatMap((r) => {
        const message = messages.get(Number(r.id))
        if (!message) return []
        const conversation = {
          id: Number(r.conversation_id),
          type: r.type === "direct" ? ("direct" as const) : ("group" as const),
          title: r.title === null ? null : String(r.title),
        }
        return [{ message, conversation, snippet: snippetHtml(String(r.snippet)) }]
      })
      return { results, nextBefore: rows.length > query.limit ? Number(page.at(-1)!.id) : null }
    },
  }
}

export type Search = ReturnType<typeof createSearch>
