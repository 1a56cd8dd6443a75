/** The people services, built together: registration, invites, password resets, admin. */
import type { Config } from "../../config.ts"
import type { Db } from "../../db.ts"
import type { EventBus } from "../../events.ts"
import type { AuditLog } from "../audit.ts"
import type { UserService } from "../userService.ts"
import { createAdmin } from "./admin.ts"
import { createInvites } from "./invites.ts"
import { createPasswordResets } from "./passwordResets.ts"
import { createRegistration } from "./registration.ts"

export interface PeopleDeps {
  db: Db
  bus: EventBus
  audit: AuditLog
  users: UserService
  config: Pick<Config, "registration" | "inviteTtlSeconds" | "passwordResetTtlSeconds">
}

/** Every people service over one database. */
export function createPeople({ db, bus, audit, users, config }: PeopleDeps) {
  const invites = createInvites({ db, audit, defaultTtlSeconds: config.inviteTtlSeconds })
  const resets = createPasswordResets({ db, audit, bus, users, ttlSeconds: config.passwordResetTtlSeconds })
  return {
    registration: createRegistration({ db, audit, users, invites, resets, mode: config.registration }),
    invites,
    resets,
    admin: createAdmin({ db, audit, bus }),
  }
}

export type People = ReturnType<typeof createPeople>
