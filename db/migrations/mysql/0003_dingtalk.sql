CREATE TABLE `dingtalk_cards` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`out_track_id` varchar(128) NOT NULL,
	`card_key` varchar(128) NOT NULL,
	`person_id` bigint NOT NULL,
	`user_id` varchar(128) NOT NULL,
	`card` mediumtext NOT NULL,
	`sent_at` bigint NOT NULL,
	CONSTRAINT `dingtalk_cards_id` PRIMARY KEY(`id`),
	CONSTRAINT `dingtalk_cards_track_uq` UNIQUE(`out_track_id`)
);
--> statement-breakpoint
CREATE TABLE `platform_calls` (
	`channel` varchar(16) NOT NULL,
	`month` varchar(7) NOT NULL,
	`calls` bigint NOT NULL DEFAULT 0,
	CONSTRAINT `platform_calls_channel_month_pk` PRIMARY KEY(`channel`,`month`)
);
--> statement-breakpoint
CREATE INDEX `dingtalk_cards_card_idx` ON `dingtalk_cards` (`card_key`,`person_id`);