/**
 * One's own profile: display name, language and email. A new name is told to the people one
 * shares a conversation with (`user_updated`); a new email needs the current password.
 */
import type { InStatement } from "@libsql/client"
import type { Db } from "../../db.ts"
import { AppError } from "../../errors.ts"
import type { EventBus } from "../../events.ts"
import type { UpdateMeInput } from "../../schemas/peopleInputs.ts"
import { type AuditLog, target } from "../audit.ts"
import { isConstraintError } from "../messageWriter.ts"
import { commit } from "../transaction.ts"
import { toPublicUser, type UserRow, type UserService } from "../userService.ts"
import { searchName } from "./searchName.ts"
import { SHARERS } from "./shared.ts"

export interface ProfileDeps {
  db: Db
  audit: AuditLog
  bus: EventBus
  users: UserService
}

/** Profiles over one database; publishes `user_updated` after a change others can see. */
export function createProfiles({ db, audit, bus, users }: ProfileDeps) {
  return {
    async update(userId: number, input: UpdateMeInput): Promise<UserRow> {
      const before = (await users.findById(userId))!
      const emailChanges = input.email !== undefined && input.email !== before.email
      if (emailChanges && !(await users.checkPassword(userId, input.currentPassword ?? ""))) {
        throw new AppError("UNAUTHORIZED", "The current password is wrong", { field: "currentPassword" })
      }
      const sets: string[] = []
      const args: (string | number | null)[] = []
      const set = (column: string, value: string | null) => {
        sets.push(`${column} = ?`)
        args.push(value)
      }
      const profile: Record<string, string | null> = {}
      if (input.displayName !== undefined) {
        set("display_name", input.displayName)
        set("search_name", searchName(input.displayName))
        profile.displayName = input.displayName
      }
      if (input.locale !== undefined) {
        set("locale", input.locale)
        profile.locale = input.locale
      }
      if (emailChanges) set("email", input.email!)
      const steps: InStatement[] = []
      if (sets.length > 0)
        steps.push({ sql: `UPDATE users SET ${sets.join(", ")} WHERE id = ?`, args: [...args, userId] })
      const about = target("user", userId)
      if (Object.keys(profile).length > 0)
        steps.push(audit.step({ action: "account.update", actorId: userId, target: about, details: profile }))
      if (emailChanges)
        steps.push(
          audit.step({
            action: "account.email_change",
            actorId: userId,
            target: about,
            details: { from: before.email, to: input.email },
          }),
        )
      try {
        if (steps.length > 0) await commit(db, steps)
      } catch (err) {
        if (isConstraintError(err))
          throw new AppError("CONFLICT", "An account with this email already exists", { field: "email" })
        throw err
      }
      const after = (await users.findById(userId))!
      const renamed = after.displayName !== before.displayName
      const relocated = after.locale !== before.locale
      if (renamed || emailChanges || relocated) {
        // Others only hear of a new name; one's own devices of a new email or language too (a client
        // shows the language the profile names, on every device at once).
        const { rows } = renamed ? await db.$client.execute({ sql: SHARERS, args: [userId] }) : { rows: [] }
        bus.emit("user_updated", {
          user: toPublicUser(after),
          recipients: rows.map((r) => Number(r.id)),
          ...(relocated ? { locale: after.locale } : {}),
        })
      }
      return after
    },
  }
}

export type Profiles = ReturnType<typeof createProfiles>
