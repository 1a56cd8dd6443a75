/** The one-shot commands: `migrate`, `user create`, `audit export`; each opens the database, acts, closes it. */
import { embeddedMigrations } from "../../db/migrations.ts"
import type { Config } from "../config.ts"
import { type Database, openDatabase } from "../db.ts"
import { AppError, fromZodError } from "../errors.ts"
import { EventBus } from "../events.ts"
import { registerInput } from "../schemas/inputs.ts"
import { createAuditLog } from "../services/audit.ts"
import { createPeople } from "../services/people/index.ts"
import { createUserService } from "../services/userService.ts"
import { createMembership } from "../stores/membership.ts"
import { maskDatabaseUrl } from "./banner.ts"
import type { CliIO } from "./io.ts"

const open = (config: Config) =>
  openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    synchronous: config.databaseSynchronous,
  })

/**
 * Closes the database with every write in its main file, so that the file alone (copied, backed up,
 * shipped to a server) is complete: without it the last writes wait in the -wal file until the next
 * open.
 */
async function closeComplete(database: Database, config: Config): Promise<void> {
  try {
    if (config.databaseUrl.startsWith("file:"))
      await database.client.execute("PRAGMA wal_checkpoint(TRUNCATE)")
  } finally {
    database.close()
  }
}

/** Applies pending migrations (opening the database does) and reports where the schema stands. */
export async function migrateCommand(config: Config, io: CliIO): Promise<number> {
  const database = await open(config)
  try {
    const applied = await database.client.execute("SELECT count(*) AS n FROM __drizzle_migrations")
    const latest = embeddedMigrations().at(-1)?.tag
    io.out(
      `${maskDatabaseUrl(config.databaseUrl)}: up to date (${applied.rows[0]?.n} migrations, latest ${latest})\n`,
    )
    return 0
  } finally {
    await closeComplete(database, config)
  }
}

/**
 * Creates an account without HTTP, whatever REGISTRATION says; the password is all of stdin but its
 * final newline. With `admin` (or as the first account ever) it is a server admin.
 */
export async function userCreateCommand(
  config: Config,
  io: CliIO,
  { email, displayName, admin = false }: { email: string; displayName?: string; admin?: boolean },
): Promise<number> {
  const password = (await io.readStdin()).replace(/\r?\n$/, "")
  const parsed = registerInput.safeParse({ email, password, displayName })
  if (!parsed.success) {
    io.err(`causerie: ${fromZodError(parsed.error).message}\n`)
    return 2
  }
  const database = await open(config)
  try {
    // Recorded with no actor and no address: whoever runs the command line holds the database.
    const db = database.db
    const audit = createAuditLog(db, { address: () => null })
    const users = createUserService({ db, audit, hashing: config.passwordHashing })
    const people = createPeople({
      db,
      bus: new EventBus(),
      audit,
      users,
      membership: createMembership(db),
      config,
    })
    const user = await people.registration.createFromCli(parsed.data, admin)
    io.out(`${user.id}\n`)
    return 0
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    io.err(`causerie: ${err.message}\n`)
    return 1
  } finally {
    await closeComplete(database, config)
  }
}

/** Writes the audit log as JSON lines, oldest first (after record `afterId`), a page at a time. */
export async function auditExportCommand(config: Config, io: CliIO, afterId = 0): Promise<number> {
  const database = await open(config)
  try {
    for await (const record of createAuditLog(database.db, { address: () => null }).all(afterId))
      io.out(`${JSON.stringify(record)}\n`)
    return 0
  } finally {
    database.close()
  }
}
