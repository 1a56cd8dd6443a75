CREATE TABLE `search_progress` (
	`id` integer PRIMARY KEY NOT NULL,
	`indexed_up_to` integer NOT NULL
);--> statement-breakpoint
-- Written by hand from here (drizzle-kit knows no triggers). New messages are indexed after their
-- commit, many at once (src/services/searchIndex.ts), no longer by a trigger inside it: every message
-- there is now is in the index already.
INSERT INTO `search_progress` (`id`, `indexed_up_to`) SELECT 1, coalesce(max(`id`), 0) FROM `messages`;--> statement-breakpoint
DROP TRIGGER `messages_fts_insert`;--> statement-breakpoint
DROP TRIGGER `messages_fts_update`;--> statement-breakpoint
DROP TRIGGER `messages_fts_delete`;--> statement-breakpoint
-- An edit or an erasure changes the index only for a row it holds: one it has not reached yet is
-- indexed later as it stands then.
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `text` ON `messages`
WHEN old.`id` <= (SELECT `indexed_up_to` FROM `search_progress`) BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, rowid, `text`) VALUES ('delete', old.`id`, old.`text`);
  INSERT INTO `messages_fts` (rowid, `text`) VALUES (new.`id`, new.`text`);
END;--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages`
WHEN old.`id` <= (SELECT `indexed_up_to` FROM `search_progress`) BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, rowid, `text`) VALUES ('delete', old.`id`, old.`text`);
END;
