CREATE TABLE `conversation_events` (
	`conversation_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`conversation_id`, `seq`),
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `conversation_participants` ADD `read_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversation_participants` ADD `delivered_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversation_participants` ADD `left_seq` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `last_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `client_message_id` text;--> statement-breakpoint
-- Existing data: messages numbered in id order per conversation, pointers from the read receipts and
-- each participant's own last message,
-- departures placed after the last message sent before them.
UPDATE `messages` SET `seq` = r.rn FROM (SELECT `id`, row_number() OVER (PARTITION BY `conversation_id` ORDER BY `id`) AS rn FROM `messages`) AS r WHERE `messages`.`id` = r.`id`;--> statement-breakpoint
UPDATE `conversations` SET `last_seq` = coalesce((SELECT max(`seq`) FROM `messages` WHERE `messages`.`conversation_id` = `conversations`.`id`), 0);--> statement-breakpoint
UPDATE `conversation_participants` SET `read_seq` = max(coalesce((SELECT max(m.`seq`) FROM `message_reads` r JOIN `messages` m ON m.`id` = r.`message_id` WHERE m.`conversation_id` = `conversation_participants`.`conversation_id` AND r.`user_id` = `conversation_participants`.`user_id`), 0), coalesce((SELECT max(m.`seq`) FROM `messages` m WHERE m.`conversation_id` = `conversation_participants`.`conversation_id` AND m.`sender_id` = `conversation_participants`.`user_id`), 0));--> statement-breakpoint
UPDATE `conversation_participants` SET `delivered_seq` = `read_seq`;--> statement-breakpoint
UPDATE `conversation_participants` SET `left_seq` = coalesce((SELECT max(m.`seq`) FROM `messages` m WHERE m.`conversation_id` = `conversation_participants`.`conversation_id` AND m.`created_at` <= `conversation_participants`.`left_at`), 0) WHERE `left_at` IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `messages_conversation_seq` ON `messages` (`conversation_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_client_id` ON `messages` (`sender_id`,`client_message_id`) WHERE client_message_id IS NOT NULL;