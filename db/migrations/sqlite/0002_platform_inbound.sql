CREATE TABLE `inbound_queue` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text(16) NOT NULL,
	`dedupe_key` text(191) NOT NULL,
	`payload` text NOT NULL,
	`status` text(16) NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL,
	`handled_at` integer,
	`last_error` text(500)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_queue_dedupe_uq` ON `inbound_queue` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `inbound_queue_status_idx` ON `inbound_queue` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `wecom_cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text(128) NOT NULL,
	`card_key` text(128) NOT NULL,
	`person_id` integer NOT NULL,
	`userid` text(128) NOT NULL,
	`response_codes` text NOT NULL,
	`card` text NOT NULL,
	`sent_at` integer NOT NULL,
	`superseded_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wecom_cards_task_uq` ON `wecom_cards` (`task_id`);--> statement-breakpoint
CREATE INDEX `wecom_cards_card_idx` ON `wecom_cards` (`card_key`,`person_id`);