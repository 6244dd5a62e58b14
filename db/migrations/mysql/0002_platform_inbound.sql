CREATE TABLE `inbound_queue` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`channel` varchar(16) NOT NULL,
	`dedupe_key` varchar(191) NOT NULL,
	`payload` mediumtext NOT NULL,
	`status` varchar(16) NOT NULL,
	`attempts` bigint NOT NULL DEFAULT 0,
	`received_at` bigint NOT NULL,
	`handled_at` bigint,
	`last_error` varchar(500),
	CONSTRAINT `inbound_queue_id` PRIMARY KEY(`id`),
	CONSTRAINT `inbound_queue_dedupe_uq` UNIQUE(`dedupe_key`)
);
--> statement-breakpoint
CREATE TABLE `wecom_cards` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`task_id` varchar(128) NOT NULL,
	`card_key` varchar(128) NOT NULL,
	`person_id` bigint NOT NULL,
	`userid` varchar(128) NOT NULL,
	`response_codes` mediumtext NOT NULL,
	`card` mediumtext NOT NULL,
	`sent_at` bigint NOT NULL,
	`superseded_at` bigint,
	CONSTRAINT `wecom_cards_id` PRIMARY KEY(`id`),
	CONSTRAINT `wecom_cards_task_uq` UNIQUE(`task_id`)
);
--> statement-breakpoint
CREATE INDEX `inbound_queue_status_idx` ON `inbound_queue` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `wecom_cards_card_idx` ON `wecom_cards` (`card_key`,`person_id`);