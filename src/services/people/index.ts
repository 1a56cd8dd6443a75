/** The people services, built together: directory, profiles, registration, invites, resets, admin, erasure, export. */
import type { Config } from "../../config.ts"
import type { Db } from "../../db.ts"
import type { EventBus } from "../../events.ts"
import type { Membership } from "../../stores/membership.ts"
import type { AuditLog } from "../audit.ts"
import type { UserService } from "../userService.ts"
import { createAdmin } from "./admin.ts"
import { createDataExport } from "./dataExport.ts"
import { createDirectory } from "./directory.ts"
import { createErasure } from "./erasure.ts"
import { createInvites } from "./invites.ts"
import { createPasswordResets } from "./passwordResets.ts"
import { createProfiles } from "./profiles.ts"
import { createRegistration } from "./registration.ts"

export interface PeopleDeps {
  db: Db
  bus: EventBus
  audit: AuditLog
  users: UserService
  membership: Membership
  config: Pick<Config, "registration" | "userDirectory" | "inviteTtlSeconds" | "passwordResetTtlSeconds">
}

/** Every people service over one database. */
export function createPeople({ db, bus, audit, users, membership, config }: PeopleDeps) {
  const invites = createInvites({ db, audit, defaultTtlSeconds: config.inviteTtlSeconds })
  const resets = createPasswordResets({ db, audit, bus, users, ttlSeconds: config.passwordResetTtlSeconds })
  return {
    directory: createDirectory({ db, mode: config.userDirectory, registration: config.registration }),
    profiles: createProfiles({ db, audit, bus, users }),
    registration: createRegistration({ db, audit, users, invites, resets, mode: config.registration }),
    invites,
    resets,
    admin: createAdmin({ db, audit, bus }),
    erasure: createErasure({ db, bus, membership, audit }),
    dataExport: createDataExport(db),
  }
}

export type People = ReturnType<typeof createPeople>
