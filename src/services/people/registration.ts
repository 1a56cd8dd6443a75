/**
 * Making accounts: registration over HTTP as REGISTRATION allows (open, with an admin's invite, or
 * not at all), accounts made by admins, and the command line's. The first account ever is a
 * server admin. Each account is committed with its audit record (and the invite's use).
 */
import type { InStatement } from "@libsql/client"
import type { Config } from "../../config.ts"
import type { CreatedUser } from "../../contract.ts"
import type { Db } from "../../db.ts"
import { AppError } from "../../errors.ts"
import type { RegisterInput } from "../../schemas/inputs.ts"
import type { AuditEntry, AuditLog } from "../audit.ts"
import { isConstraintError } from "../messageWriter.ts"
import { commit } from "../transaction.ts"
import type { UserRow, UserService } from "../userService.ts"
import {
  insertAccount,
  insertedUser,
  insertedUserTarget,
  type NewAccount,
  toAdminUser,
} from "./accountRows.ts"
import type { Invites } from "./invites.ts"
import type { PasswordResets } from "./passwordResets.ts"
import { newToken } from "./secrets.ts"

export interface RegistrationDeps {
  db: Db
  audit: AuditLog
  users: UserService
  invites: Invites
  resets: PasswordResets
  mode: Config["registration"]
}

const taken = () => new AppError("CONFLICT", "An account with this email already exists", { field: "email" })

/** Account creation over one database. */
export function createRegistration({ db, audit, users, invites, resets, mode }: RegistrationDeps) {
  /**
   * Commits `before`, the account (only if `before` changed a row, when guarded), then `after`;
   * resolves with the new row, or undefined when the guard held it back.
   */
  async function insert(
    account: NewAccount,
    record: Omit<AuditEntry, "ifChanged">,
    { before = [], after = [] }: { before?: InStatement[]; after?: InStatement[] } = {},
  ): Promise<UserRow | undefined> {
    try {
      const results = await commit(db, [
        ...before,
        insertAccount(account, { ifChanged: before.length > 0 }),
        audit.step({ ...record, ifChanged: true }),
        ...after,
      ])
      const id = results[before.length]!.rows[0]?.id
      return id === undefined ? undefined : users.findById(Number(id))
    } catch (err) {
      if (isConstraintError(err)) throw taken()
      throw err
    }
  }

  return {
    /** Self-registration over HTTP, as REGISTRATION allows; refusals are FORBIDDEN saying why. */
    async register(input: RegisterInput): Promise<UserRow> {
      if (mode === "closed") {
        throw new AppError("FORBIDDEN", "Registration is closed: a server admin makes accounts")
      }
      if (mode === "invite" && !input.inviteToken) {
        throw new AppError("FORBIDDEN", "Registration needs an invite from a server admin (inviteToken)")
      }
      const invite = mode === "invite" ? await invites.check(input.inviteToken!, input.email) : undefined
      const account = {
        email: input.email,
        passwordHash: await users.hash(input.password),
        displayName: input.displayName ?? null,
        isAdmin: "first" as const,
      }
      const record = {
        action: "auth.register" as const,
        actorId: insertedUser,
        target: insertedUserTarget,
        details: invite ? { inviteId: invite.id } : {},
      }
      const user = await insert(
        account,
        record,
        invite ? { before: [invites.useStep(invite.id, input.email)] } : {},
      )
      // The invite's last use went to another registration since it was checked: say which refusal.
      if (!user) await invites.check(input.inviteToken!, input.email)
      if (!user) throw new AppError("FORBIDDEN", "This invite has already been used")
      return user
    },

    /**
     * Admin: an account without a usable password, and the reset token its owner sets one with;
     * the admin never knows the password.
     */
    async createByAdmin(
      actorId: number,
      input: { email: string; displayName?: string },
    ): Promise<CreatedUser> {
      // The audit record is the last insert before the token: the account is found by its email.
      const reset = resets.issueSteps(
        { sql: "(SELECT id FROM users WHERE email = ?)", args: [input.email] },
        actorId,
      )
      const user = await insert(
        {
          email: input.email,
          // Matches no password: a hash of a random secret nobody keeps.
          passwordHash: await users.hash(newToken()),
          displayName: input.displayName ?? null,
          isAdmin: false,
        },
        { action: "admin.user_create", actorId, target: insertedUserTarget },
        { after: reset.steps },
      )
      return {
        user: toAdminUser(user!),
        reset: { userId: user!.id, token: reset.token, expiresAt: reset.expiresAt },
      }
    },

    /** The command line's `user create`: an admin with `admin`, or when it is the first account ever. */
    async createFromCli(input: RegisterInput, admin: boolean): Promise<UserRow> {
      const account = {
        email: input.email,
        passwordHash: await users.hash(input.password),
        displayName: input.displayName ?? null,
        isAdmin: admin ? true : ("first" as const),
      }
      const record = {
        action: "admin.user_create" as const,
        actorId: null,
        target: insertedUserTarget,
        address: null,
        details: { via: "cli", isAdmin: admin },
      }
      return (await insert(account, record))!
    },
  }
}

export type Registration = ReturnType<typeof createRegistration>
