CREATE TABLE `dingtalk_cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`out_track_id` text(128) NOT NULL,
	`card_key` text(128) NOT NULL,
	`person_id` integer NOT NULL,
	`user_id` text(128) NOT NULL,
	`card` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dingtalk_cards_track_uq` ON `dingtalk_cards` (`out_track_id`);--> statement-breakpoint
CREATE INDEX `dingtalk_cards_card_idx` ON `dingtalk_cards` (`card_key`,`person_id`);--> statement-breakpoint
CREATE TABLE `platform_calls` (
	`channel` text(16) NOT NULL,
	`month` text(7) NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`channel`, `month`)
);
