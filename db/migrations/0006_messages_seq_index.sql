-- History pages and the conversation list read messages on the (conversation_id, seq) index, which the
-- sequence needs anyway: this second index only cost every insert.
DROP INDEX `messages_conversation_id`;