CREATE TABLE `message_reactions` (
	`message_id` integer NOT NULL,
	`emoji` text NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`message_id`, `emoji`, `user_id`),
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `conversation_events` ADD `message_id` integer REFERENCES messages(id);--> statement-breakpoint
CREATE INDEX `conversation_events_message` ON `conversation_events` (`message_id`) WHERE message_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `users` ADD `last_seen_at` integer;--> statement-breakpoint
-- Full-text search over message text (written by hand: drizzle-kit knows no virtual tables). An
-- external-content index: the text lives only in messages; triggers keep the index in the same
-- transaction as every insert (the group-commit writer's multi-row INSERT included), edit and erasure.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`text`, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');--> statement-breakpoint
-- Every row has its entry, a voice message's or a tombstone's empty (NULL text): FTS5 counts
-- documents, and its integrity check compares them with the content table.
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts` (rowid, `text`) VALUES (new.`id`, new.`text`);
END;--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `text` ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, rowid, `text`) VALUES ('delete', old.`id`, old.`text`);
  INSERT INTO `messages_fts` (rowid, `text`) VALUES (new.`id`, new.`text`);
END;--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, rowid, `text`) VALUES ('delete', old.`id`, old.`text`);
END;--> statement-breakpoint
-- Existing messages are indexed now.
INSERT INTO `messages_fts` (`messages_fts`) VALUES ('rebuild');
