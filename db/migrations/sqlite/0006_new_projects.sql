CREATE TABLE `omission_escalations` (
	`unit_id` integer NOT NULL,
	`year` integer NOT NULL,
	`omissions` integer NOT NULL,
	`escalated_on` text(10) NOT NULL,
	PRIMARY KEY(`unit_id`, `year`)
);
--> statement-breakpoint
CREATE TABLE `project_clues` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hrss_unit_id` integer NOT NULL,
	`source` text(16) NOT NULL,
	`learned_date` text(10) NOT NULL,
	`name` text(200) NOT NULL,
	`builder` text(200) NOT NULL,
	`address` text(200) NOT NULL,
	`responsible_unit_id` integer NOT NULL,
	`note` text(1000) NOT NULL,
	`status` text(16) NOT NULL,
	`project_id` integer,
	`omission_year` integer,
	`recorded_by` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `project_clues_status_idx` ON `project_clues` (`status`,`hrss_unit_id`);--> statement-breakpoint
CREATE INDEX `project_clues_omission_idx` ON `project_clues` (`omission_year`,`responsible_unit_id`);--> statement-breakpoint
CREATE TABLE `project_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`file_name` text(255) NOT NULL,
	`file_hash` text(64) NOT NULL,
	`imported` integer NOT NULL,
	`duplicates` integer NOT NULL,
	`meta` text NOT NULL,
	`imported_by` integer NOT NULL,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `project_imports_unit_idx` ON `project_imports` (`unit_id`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`hrss_unit_id` integer NOT NULL,
	`identity_key` text(64) NOT NULL,
	`jurisdiction` text(64) NOT NULL,
	`region` text(32) NOT NULL,
	`name` text(200) NOT NULL,
	`address` text(200) NOT NULL,
	`builder` text(200) NOT NULL,
	`start_date` text(10) NOT NULL,
	`duration` text(100) NOT NULL,
	`government` integer NOT NULL,
	`contractor` text(200) NOT NULL,
	`manager` text(64) NOT NULL,
	`phone` text(32) NOT NULL,
	`contract_price_fen` integer NOT NULL,
	`payment_method` text(200) NOT NULL,
	`payment_progress_bp` integer NOT NULL,
	`remarks` text(500) NOT NULL,
	`source` text(16) NOT NULL,
	`import_id` integer,
	`reported_date` text(10) NOT NULL,
	`reported_at` integer NOT NULL,
	`reported_by` integer NOT NULL,
	`report_due_date` text(10) NOT NULL,
	`report_late_days` integer NOT NULL,
	`status` text(16) NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_identity_uq` ON `projects` (`identity_key`);--> statement-breakpoint
CREATE INDEX `projects_unit_idx` ON `projects` (`unit_id`,`start_date`);--> statement-breakpoint
CREATE INDEX `projects_hrss_idx` ON `projects` (`hrss_unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `projects_late_idx` ON `projects` (`report_late_days`);--> statement-breakpoint
CREATE TABLE `site_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`hrss_unit_id` integer NOT NULL,
	`inspector_id` integer NOT NULL,
	`inspectors` text(200) NOT NULL,
	`check_date` text(10) NOT NULL,
	`late_days` integer NOT NULL,
	`findings` text(500) NOT NULL,
	`note` text(1000) NOT NULL,
	`correction_deadline` text(10),
	`corrected_date` text(10),
	`corrected_by` integer,
	`correction_note` text(1000),
	`correction_late_days` integer,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_checks_project_uq` ON `site_checks` (`project_id`);