CREATE TABLE `campaign_sites` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`campaign_id` bigint NOT NULL,
	`host_unit_id` bigint NOT NULL,
	`address` varchar(200) NOT NULL,
	CONSTRAINT `campaign_sites_id` PRIMARY KEY(`id`),
	CONSTRAINT `campaign_sites_uq` UNIQUE(`campaign_id`,`host_unit_id`)
);
--> statement-breakpoint
CREATE TABLE `campaign_units` (
	`campaign_id` bigint NOT NULL,
	`unit_id` bigint NOT NULL,
	`site_id` bigint NOT NULL,
	CONSTRAINT `campaign_units_campaign_id_unit_id_pk` PRIMARY KEY(`campaign_id`,`unit_id`)
);
--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`name` varchar(100) NOT NULL,
	`organizer_unit_id` bigint NOT NULL,
	`start_date` varchar(10) NOT NULL,
	`end_date` varchar(10) NOT NULL,
	`duty_start` varchar(5) NOT NULL,
	`duty_end` varchar(5) NOT NULL,
	`nominate_by` bigint NOT NULL,
	`remind_after_min` bigint NOT NULL,
	`escalate_after_min` bigint NOT NULL,
	`report_due` varchar(5) NOT NULL,
	`summary_at` varchar(5) NOT NULL,
	`status` varchar(16) NOT NULL,
	`created_by` bigint NOT NULL,
	`created_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	`version` bigint NOT NULL DEFAULT 1,
	CONSTRAINT `campaigns_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `dispatch_reports` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`campaign_id` bigint NOT NULL,
	`site_id` bigint NOT NULL,
	`date` varchar(10) NOT NULL,
	`visits` bigint NOT NULL,
	`visitors` bigint NOT NULL,
	`cases` bigint NOT NULL,
	`amount_fen` bigint NOT NULL,
	`incidents` bigint NOT NULL,
	`remarks` varchar(1000) NOT NULL,
	`submitted_by` bigint NOT NULL,
	`submitted_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	`version` bigint NOT NULL DEFAULT 1,
	CONSTRAINT `dispatch_reports_id` PRIMARY KEY(`id`),
	CONSTRAINT `dispatch_reports_uq` UNIQUE(`campaign_id`,`site_id`,`date`)
);
--> statement-breakpoint
CREATE TABLE `duty_shifts` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`campaign_id` bigint NOT NULL,
	`site_id` bigint NOT NULL,
	`unit_id` bigint NOT NULL,
	`person_id` bigint NOT NULL,
	`date` varchar(10) NOT NULL,
	`nominated_by` bigint NOT NULL,
	`nominated_at` bigint NOT NULL,
	`checked_in_at` bigint,
	`check_in_channel` varchar(16),
	`check_in_location` varchar(500),
	`checked_out_at` bigint,
	`check_out_channel` varchar(16),
	`check_out_location` varchar(500),
	`recorded_by` bigint,
	`remarks` varchar(200),
	CONSTRAINT `duty_shifts_id` PRIMARY KEY(`id`),
	CONSTRAINT `duty_shifts_uq` UNIQUE(`campaign_id`,`person_id`,`date`)
);
--> statement-breakpoint
CREATE INDEX `campaigns_dates_idx` ON `campaigns` (`status`,`end_date`);--> statement-breakpoint
CREATE INDEX `duty_shifts_day_idx` ON `duty_shifts` (`campaign_id`,`date`);--> statement-breakpoint
CREATE INDEX `duty_shifts_person_idx` ON `duty_shifts` (`person_id`,`date`);