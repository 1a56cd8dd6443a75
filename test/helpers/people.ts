/** Server admins, disabled accounts and audit records, for the people and administration tests. */
import type { TestUser } from "./clients.ts"
import type { TestServer } from "./server.ts"
import { writeDb } from "./tokens.ts"
import { quickUsers } from "./world.ts"

/** Makes existing users server admins, straight in the database. */
export async function makeAdmins(h: TestServer, ...users: TestUser[]): Promise<void> {
  for (const u of users) await writeDb(h, "update users set is_admin = 1 where id = ?", u.id)
}

/** A fresh server admin. */
export async function serverAdmin(h: TestServer, name = "root"): Promise<TestUser> {
  const [admin] = await quickUsers(h, [name])
  await makeAdmins(h, admin)
  return admin
}

export interface AuditRow {
  id: number
  actor_id: number | null
  action: string
  target: string | null
  address: string | null
  details: string
}

/** The audit records of `action` (about `target`, when given), oldest first. */
export function auditRows(h: TestServer, action: string, target?: string): AuditRow[] {
  return target === undefined
    ? h.query<AuditRow>("select * from audit_events where action = ? order by id", action)
    : h.query<AuditRow>(
        "select * from audit_events where action = ? and target = ? order by id",
        action,
        target,
      )
}

/** How many audit records there are in all. */
export const auditCount = (h: TestServer) =>
  h.query<{ n: number }>("select count(*) as n from audit_events")[0]!.n
