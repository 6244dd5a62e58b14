CREATE TABLE `omission_escalations` (
	`unit_id` bigint NOT NULL,
	`year` bigint NOT NULL,
	`omissions` bigint NOT NULL,
	`escalated_on` varchar(10) NOT NULL,
	CONSTRAINT `omission_escalations_unit_id_year_pk` PRIMARY KEY(`unit_id`,`year`)
);
--> statement-breakpoint
CREATE TABLE `project_clues` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`hrss_unit_id` bigint NOT NULL,
	`source` varchar(16) NOT NULL,
	`learned_date` varchar(10) NOT NULL,
	`name` varchar(200) NOT NULL,
	`builder` varchar(200) NOT NULL,
	`address` varchar(200) NOT NULL,
	`responsible_unit_id` bigint NOT NULL,
	`note` varchar(1000) NOT NULL,
	`status` varchar(16) NOT NULL,
	`project_id` bigint,
	`omission_year` bigint,
	`recorded_by` bigint NOT NULL,
	`recorded_at` bigint NOT NULL,
	`decided_by` bigint,
	`decided_at` bigint,
	`version` bigint NOT NULL DEFAULT 1,
	CONSTRAINT `project_clues_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `project_imports` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`unit_id` bigint NOT NULL,
	`file_name` varchar(255) NOT NULL,
	`file_hash` varchar(64) NOT NULL,
	`imported` bigint NOT NULL,
	`duplicates` bigint NOT NULL,
	`meta` mediumtext NOT NULL,
	`imported_by` bigint NOT NULL,
	`imported_at` bigint NOT NULL,
	CONSTRAINT `project_imports_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`unit_id` bigint NOT NULL,
	`hrss_unit_id` bigint NOT NULL,
	`identity_key` varchar(64) NOT NULL,
	`jurisdiction` varchar(64) NOT NULL,
	`region` varchar(32) NOT NULL,
	`name` varchar(200) NOT NULL,
	`address` varchar(200) NOT NULL,
	`builder` varchar(200) NOT NULL,
	`start_date` varchar(10) NOT NULL,
	`duration` varchar(100) NOT NULL,
	`government` boolean NOT NULL,
	`contractor` varchar(200) NOT NULL,
	`manager` varchar(64) NOT NULL,
	`phone` varchar(32) NOT NULL,
	`contract_price_fen` bigint NOT NULL,
	`payment_method` varchar(200) NOT NULL,
	`payment_progress_bp` bigint NOT NULL,
	`remarks` varchar(500) NOT NULL,
	`source` varchar(16) NOT NULL,
	`import_id` bigint,
	`reported_date` varchar(10) NOT NULL,
	`reported_at` bigint NOT NULL,
	`reported_by` bigint NOT NULL,
	`report_due_date` varchar(10) NOT NULL,
	`report_late_days` bigint NOT NULL,
	`status` varchar(16) NOT NULL,
	`created_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	`version` bigint NOT NULL DEFAULT 1,
	CONSTRAINT `projects_id` PRIMARY KEY(`id`),
	CONSTRAINT `projects_identity_uq` UNIQUE(`identity_key`)
);
--> statement-breakpoint
CREATE TABLE `site_checks` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`project_id` bigint NOT NULL,
	`hrss_unit_id` bigint NOT NULL,
	`inspector_id` bigint NOT NULL,
	`inspectors` varchar(200) NOT NULL,
	`check_date` varchar(10) NOT NULL,
	`late_days` bigint NOT NULL,
	`findings` varchar(500) NOT NULL,
	`note` varchar(1000) NOT NULL,
	`correction_deadline` varchar(10),
	`corrected_date` varchar(10),
	`corrected_by` bigint,
	`correction_note` varchar(1000),
	`correction_late_days` bigint,
	`recorded_at` bigint NOT NULL,
	CONSTRAINT `site_checks_id` PRIMARY KEY(`id`),
	CONSTRAINT `site_checks_project_uq` UNIQUE(`project_id`)
);
--> statement-breakpoint
CREATE INDEX `project_clues_status_idx` ON `project_clues` (`status`,`hrss_unit_id`);--> statement-breakpoint
CREATE INDEX `project_clues_omission_idx` ON `project_clues` (`omission_year`,`responsible_unit_id`);--> statement-breakpoint
CREATE INDEX `project_imports_unit_idx` ON `project_imports` (`unit_id`);--> statement-breakpoint
CREATE INDEX `projects_unit_idx` ON `projects` (`unit_id`,`start_date`);--> statement-breakpoint
CREATE INDEX `projects_hrss_idx` ON `projects` (`hrss_unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `projects_late_idx` ON `projects` (`report_late_days`);