/**
 * "Sharing a conversation", the rule the directory's `shared` setting and `user_updated` follow: both
 * are active participants of one conversation and, in a group, neither has blocked it (a group's
 * blocker hears nothing from it).
 */

/** SQL true when the users given by the two expressions share a conversation. */
export const sharesConversation = (viewer: string, other: string) => `EXISTS (
  SELECT 1 FROM conversation_participants me
  JOIN conversations c ON c.id = me.conversation_id
  JOIN conversation_participants o ON o.conversation_id = me.conversation_id
  WHERE me.user_id = ${viewer} AND o.user_id = ${other} AND me.left_at IS NULL AND o.left_at IS NULL
    AND (c.type = 'direct' OR (me.blocked_at IS NULL AND o.blocked_at IS NULL)))`

/** The users who share a conversation with `?` (the one argument), the user excluded. */
export const SHARERS = `SELECT DISTINCT o.user_id AS id FROM conversation_participants me
  JOIN conversations c ON c.id = me.conversation_id
  JOIN conversation_participants o ON o.conversation_id = me.conversation_id
  WHERE me.user_id = ? AND o.user_id <> me.user_id AND me.left_at IS NULL AND o.left_at IS NULL
    AND (c.type = 'direct' OR (me.blocked_at IS NULL AND o.blocked_at IS NULL))`
