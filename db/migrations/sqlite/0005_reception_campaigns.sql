CREATE TABLE `campaign_sites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`host_unit_id` integer NOT NULL,
	`address` text(200) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_sites_uq` ON `campaign_sites` (`campaign_id`,`host_unit_id`);--> statement-breakpoint
CREATE TABLE `campaign_units` (
	`campaign_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `unit_id`)
);
--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text(100) NOT NULL,
	`organizer_unit_id` integer NOT NULL,
	`start_date` text(10) NOT NULL,
	`end_date` text(10) NOT NULL,
	`duty_start` text(5) NOT NULL,
	`duty_end` text(5) NOT NULL,
	`nominate_by` integer NOT NULL,
	`remind_after_min` integer NOT NULL,
	`escalate_after_min` integer NOT NULL,
	`report_due` text(5) NOT NULL,
	`summary_at` text(5) NOT NULL,
	`status` text(16) NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `campaigns_dates_idx` ON `campaigns` (`status`,`end_date`);--> statement-breakpoint
CREATE TABLE `dispatch_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`date` text(10) NOT NULL,
	`visits` integer NOT NULL,
	`visitors` integer NOT NULL,
	`cases` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`incidents` integer NOT NULL,
	`remarks` text(1000) NOT NULL,
	`submitted_by` integer NOT NULL,
	`submitted_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dispatch_reports_uq` ON `dispatch_reports` (`campaign_id`,`site_id`,`date`);--> statement-breakpoint
CREATE TABLE `duty_shifts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`date` text(10) NOT NULL,
	`nominated_by` integer NOT NULL,
	`nominated_at` integer NOT NULL,
	`checked_in_at` integer,
	`check_in_channel` text(16),
	`check_in_location` text(500),
	`checked_out_at` integer,
	`check_out_channel` text(16),
	`check_out_location` text(500),
	`recorded_by` integer,
	`remarks` text(200)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `duty_shifts_uq` ON `duty_shifts` (`campaign_id`,`person_id`,`date`);--> statement-breakpoint
CREATE INDEX `duty_shifts_day_idx` ON `duty_shifts` (`campaign_id`,`date`);--> statement-breakpoint
CREATE INDEX `duty_shifts_person_idx` ON `duty_shifts` (`person_id`,`date`);