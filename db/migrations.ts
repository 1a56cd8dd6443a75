/**
 * The SQL migrations, embedded in the program so a compiled executable carries them.
 * drizzle-kit writes a new `NNNN_name.sql` and a journal entry; add its import below
 * (a test fails when the journal names a migration that is not listed here).
 */

import m0000 from "./migrations/0000_init.sql" with { type: "text" }
import m0001 from "./migrations/0001_delivery.sql" with { type: "text" }
import m0002 from "./migrations/0002_revoked_tokens.sql" with { type: "text" }
import m0003 from "./migrations/0003_messages.sql" with { type: "text" }
import m0004 from "./migrations/0004_people.sql" with { type: "text" }
import m0005 from "./migrations/0005_uploads.sql" with { type: "text" }
import m0006 from "./migrations/0006_messages_seq_index.sql" with { type: "text" }
import m0007 from "./migrations/0007_search_backlog.sql" with { type: "text" }
import m0008 from "./migrations/0008_uploads_quota.sql" with { type: "text" }
import journal from "./migrations/meta/_journal.json" with { type: "json" }

const files: Record<string, string> = {
  "0000_init": m0000,
  "0001_delivery": m0001,
  "0002_revoked_tokens": m0002,
  "0003_messages": m0003,
  "0004_people": m0004,
  "0005_uploads": m0005,
  "0006_messages_seq_index": m0006,
  "0007_search_backlog": m0007,
  "0008_uploads_quota": m0008,
}

export interface Migration {
  tag: string
  /** drizzle-kit's timestamp for the migration; the applied marker, as in drizzle's own migrator. */
  createdAt: number
  hash: string
  statements: string[]
}

/** Every migration in journal order, ready to apply. */
export function embeddedMigrations(): Migration[] {
  return journal.entries.map((entry) => {
    const sql = files[entry.tag]
    if (sql === undefined) throw new Error(`migration ${entry.tag} is in the journal but not embedded`)
    return {
      tag: entry.tag,
      createdAt: entry.when,
      hash: new Bun.CryptoHasher("sha256").update(sql).digest("hex"),
      statements: sql
        .split("--> statement-breakpoint")
        .map((s) => s.trim())
        .filter(Boolean),
    }
  })
}
