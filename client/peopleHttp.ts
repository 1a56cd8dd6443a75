/** The HTTP helpers of the people routes: the directory, one's own account, and server administration. */
import type {
  AdminUser,
  AdminUsersPage,
  AuditPage,
  CreatedInvite,
  CreatedUser,
  CreateInviteBody,
  CreateUserBody,
  Invite,
  OwnUser,
  PublicUser,
  ResetToken,
  UpdateMeBody,
} from "../src/contract.ts"
import type { AuditAction } from "../src/schemas/auditActions.ts"

/** A request through the client's fetch, with its token; rejects with a CauserieError. */
export type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>
type Query = Record<string, string | number | boolean | undefined>

/** The directory and one's own account. */
export function peopleApi(call: Call, query: (params: Query) => string) {
  return {
    users: {
      /** People by name prefix, word prefix or exact email, as the server's directory setting allows. */
      search: async (q?: string, limit?: number) =>
        (await call<{ users: PublicUser[] }>("GET", `/api/users${query({ q, limit })}`)).users,
      get: async (id: number) => (await call<{ user: PublicUser }>("GET", `/api/users/${id}`)).user,
    },
    /** displayName and locale; a new email needs currentPassword. */
    updateMe: async (body: UpdateMeBody) => (await call<{ user: OwnUser }>("PATCH", "/api/me", body)).user,
  }
}

/** Server administration: every call needs a server admin's token. */
export function adminApi(call: Call, query: (params: Query) => string) {
  const account = (id: number, action = "") => `/api/admin/users/${id}${action}`
  const one = async (method: string, path: string) => (await call<{ user: AdminUser }>(method, path)).user
  return {
    users: {
      list: (page: { q?: string; after?: number; limit?: number } = {}) =>
        call<AdminUsersPage>("GET", `/api/admin/users${query(page)}`),
      /** An account without a password, and the reset token its owner sets one with. */
      create: (body: CreateUserBody) => call<CreatedUser>("POST", "/api/admin/users", body),
      disable: (id: number) => one("POST", account(id, "/disable")),
      enable: (id: number) => one("POST", account(id, "/enable")),
      grantAdmin: (id: number) => one("POST", account(id, "/admin")),
      revokeAdmin: (id: number) => one("DELETE", account(id, "/admin")),
      resetPassword: (id: number) => call<ResetToken>("POST", account(id, "/password-reset")),
      delete: (id: number) => call<{ ok: true }>("DELETE", account(id)),
    },
    invites: {
      create: (body: CreateInviteBody = {}) => call<CreatedInvite>("POST", "/api/admin/invites", body),
      list: async () => (await call<{ invites: Invite[] }>("GET", "/api/admin/invites")).invites,
      revoke: async (id: number) =>
        (await call<{ invite: Invite }>("DELETE", `/api/admin/invites/${id}`)).invite,
    },
    /** The audit log, newest first; pass `nextBefore` as `before` for older records. */
    audit: (filter: { actor?: number; action?: AuditAction; before?: number; limit?: number } = {}) =>
      call<AuditPage>("GET", `/api/admin/audit${query(filter)}`),
  }
}
