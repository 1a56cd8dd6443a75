/**
 * Every action the audit log records, with what its record means: the one list the services write,
 * GET /api/admin/audit filters on, and the README documents.
 */
export const AUDIT_ACTIONS = {
  "auth.register": "An account registered over HTTP (details: inviteId when an invite was used).",
  "auth.login": "A login succeeded.",
  "auth.login_failed":
    "A login was refused after the password check (details: email, reason: password or disabled).",
  "auth.logout": "A token was revoked by logging out with it.",
  "auth.logout_all": "Every token of the account was revoked.",
  "auth.password_change": "The password was changed; every earlier token was revoked.",
  "auth.password_reset": "A password was set with a reset token; every earlier token was revoked.",
  "account.update": "The display name or language changed (details: the new values).",
  "account.email_change": "The email changed (details: from, to).",
  "account.delete": "The account was deleted by its owner.",
  "conversation.create": "A conversation was created (details: type, participantIds).",
  "conversation.rename": "A group was renamed (details: title).",
  "conversation.archive": "The last participant left: the conversation was archived.",
  "conversation.block": "A participant blocked the conversation.",
  "conversation.unblock": "A participant lifted their block.",
  "participant.add": "An admin of the group added people (details: userIds).",
  "participant.remove": "An admin of the group removed a participant (details: userId).",
  "participant.leave": "A participant left for good.",
  "participant.role": "An admin of the group changed a role (details: userId, role).",
  "message.delete":
    "An admin of the group deleted someone else's message (details: conversationId, senderId).",
  "admin.user_create": "An account was made by an admin, or by the command line (no actor).",
  "admin.user_disable": "An admin disabled an account: its tokens revoked, its sockets disconnected.",
  "admin.user_enable": "An admin enabled an account again.",
  "admin.user_delete": "An admin deleted an account.",
  "admin.password_reset": "An admin made a password reset token for an account (details: expiresAt).",
  "admin.grant": "An admin made another account a server admin.",
  "admin.revoke": "An admin took server admin away from an account.",
  "admin.invite_create": "An admin made an invite (details: email, maxUses, expiresAt).",
  "admin.invite_revoke": "An admin revoked an invite.",
} as const

export type AuditAction = keyof typeof AUDIT_ACTIONS
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]]
