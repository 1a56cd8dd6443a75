/** The protocol's surface, for tests that go through all of it: events, routes, the keys each reads. */

/** Every socket event and the payload keys it reads. */
export const EVENTS: [string, string[]][] = [
  ["join_conversation", ["conversationId"]],
  ["leave_conversation", ["conversationId"]],
  ["send_message", ["conversationId", "text", "audioUrl", "replyToMessageId", "clientMessageId"]],
  ["mark_message_read", ["messageId"]],
  ["mark_read", ["conversationId", "seq"]],
  ["mark_delivered", ["conversationId", "seq"]],
  ["sync", ["conversations", "limit"]],
  ["add_participants", ["conversationId", "userIds"]],
  ["remove_participant", ["conversationId", "userId"]],
  ["change_role", ["conversationId", "userId", "role"]],
  ["update_conversation", ["conversationId", "title"]],
  ["quit_conversation", ["conversationId"]],
  ["block_conversation", ["conversationId"]],
  ["unblock_conversation", ["conversationId"]],
]

/** "METHOD /path" and the body keys each route reads. */
export const ROUTES: [string, string[]][] = [
  ["POST /api/auth/register", ["email", "password", "displayName"]],
  ["POST /api/auth/login", ["email", "password"]],
  ["POST /api/auth/logout", []],
  ["POST /api/auth/logout-all", []],
  ["POST /api/auth/password", ["currentPassword", "newPassword"]],
  ["GET /api/me", []],
  ["POST /api/conversations", ["type", "title", "participantIds"]],
  ["GET /api/conversations", []],
  ["GET /api/conversations/:id", []],
  ["GET /api/conversations/:id/messages", []],
  ["POST /api/conversations/:id/messages", ["text", "audioUrl", "replyToMessageId", "clientMessageId"]],
  ["GET /api/conversations/:id/events", []],
  ["POST /api/conversations/:id/read", ["seq"]],
  ["POST /api/conversations/:id/delivered", ["seq"]],
  ["POST /api/conversations/:id/participants", ["userIds"]],
  ["DELETE /api/conversations/:id/participants/:userId", []],
  ["PATCH /api/conversations/:id/participants/:userId", ["role"]],
  ["PATCH /api/conversations/:id", ["title"]],
  ["POST /api/conversations/:id/leave", []],
  ["POST /api/conversations/:id/block", []],
  ["DELETE /api/conversations/:id/block", []],
]
