CREATE TABLE `audit_log` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`at` bigint NOT NULL,
	`actor_id` bigint,
	`actor_name` varchar(64) NOT NULL,
	`channel` varchar(16) NOT NULL,
	`subject_type` varchar(32) NOT NULL,
	`subject_id` bigint NOT NULL,
	`action` varchar(64) NOT NULL,
	`detail` mediumtext NOT NULL,
	CONSTRAINT `audit_log_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `calendar_days` (
	`date` varchar(10) NOT NULL,
	`workday` boolean NOT NULL,
	`name` varchar(64),
	`loaded_at` bigint NOT NULL,
	CONSTRAINT `calendar_days_date` PRIMARY KEY(`date`)
);
--> statement-breakpoint
CREATE TABLE `calendar_years` (
	`year` bigint NOT NULL,
	`source` varchar(255) NOT NULL,
	`loaded_at` bigint NOT NULL,
	CONSTRAINT `calendar_years_year` PRIMARY KEY(`year`)
);
--> statement-breakpoint
CREATE TABLE `card_deliveries` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`card_key` varchar(128) NOT NULL,
	`person_id` bigint NOT NULL,
	`channel` varchar(16) NOT NULL,
	`external_ref` varchar(255) NOT NULL,
	`delivered_at` bigint NOT NULL,
	CONSTRAINT `card_deliveries_id` PRIMARY KEY(`id`),
	CONSTRAINT `card_deliveries_uq` UNIQUE(`card_key`,`person_id`,`channel`)
);
--> statement-breakpoint
CREATE TABLE `chat_groups` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`code` varchar(64) NOT NULL,
	`name` varchar(128) NOT NULL,
	CONSTRAINT `chat_groups_id` PRIMARY KEY(`id`),
	CONSTRAINT `chat_groups_code_uq` UNIQUE(`code`)
);
--> statement-breakpoint
CREATE TABLE `clocks` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`subject_type` varchar(32) NOT NULL,
	`subject_id` bigint NOT NULL,
	`rule` varchar(64) NOT NULL,
	`unit_id` bigint NOT NULL,
	`status` varchar(16) NOT NULL,
	`start_date` varchar(10) NOT NULL,
	`workdays` bigint NOT NULL,
	`extension_days` bigint NOT NULL DEFAULT 0,
	`original_due_date` varchar(10) NOT NULL,
	`due_date` varchar(10) NOT NULL,
	`due_at` bigint NOT NULL,
	`provisional` boolean NOT NULL DEFAULT false,
	`escalation_level` bigint NOT NULL DEFAULT 0,
	`stopped_at` bigint,
	`late_days` bigint,
	`created_at` bigint NOT NULL,
	CONSTRAINT `clocks_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `doc_counters` (
	`unit_id` bigint NOT NULL,
	`year` bigint NOT NULL,
	`last` bigint NOT NULL,
	CONSTRAINT `doc_counters_unit_id_year_pk` PRIMARY KEY(`unit_id`,`year`)
);
--> statement-breakpoint
CREATE TABLE `escalations` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`clock_id` bigint NOT NULL,
	`unit_id` bigint NOT NULL,
	`subject_type` varchar(32) NOT NULL,
	`subject_id` bigint NOT NULL,
	`overdue_days` bigint NOT NULL,
	`escalated_on` varchar(10) NOT NULL,
	CONSTRAINT `escalations_id` PRIMARY KEY(`id`),
	CONSTRAINT `escalations_clock_uq` UNIQUE(`clock_id`)
);
--> statement-breakpoint
CREATE TABLE `extension_requests` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`referral_id` bigint NOT NULL,
	`unit_id` bigint NOT NULL,
	`workdays` bigint NOT NULL,
	`reason` varchar(500) NOT NULL,
	`requested_by` bigint NOT NULL,
	`requested_at` bigint NOT NULL,
	`status` varchar(16) NOT NULL,
	`decided_by` bigint,
	`decided_at` bigint,
	CONSTRAINT `extension_requests_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `feedbacks` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`referral_id` bigint NOT NULL,
	`unit_id` bigint NOT NULL,
	`data` mediumtext NOT NULL,
	`recovered_workers` bigint NOT NULL,
	`recovered_fen` bigint NOT NULL,
	`submitted_by` bigint NOT NULL,
	`submitted_at` bigint NOT NULL,
	`status` varchar(16) NOT NULL,
	`review_reason` varchar(500),
	`reviewed_by` bigint,
	`reviewed_at` bigint,
	CONSTRAINT `feedbacks_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `group_bindings` (
	`group_id` bigint NOT NULL,
	`channel` varchar(16) NOT NULL,
	`external_id` varchar(255) NOT NULL,
	CONSTRAINT `group_bindings_group_id_channel_pk` PRIMARY KEY(`group_id`,`channel`)
);
--> statement-breakpoint
CREATE TABLE `inbound_events` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`dedupe_key` varchar(191) NOT NULL,
	`channel` varchar(16) NOT NULL,
	`payload` mediumtext NOT NULL,
	`received_at` bigint NOT NULL,
	`handled_at` bigint,
	`result` mediumtext,
	CONSTRAINT `inbound_events_id` PRIMARY KEY(`id`),
	CONSTRAINT `inbound_events_dedupe_uq` UNIQUE(`dedupe_key`)
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` varchar(64) NOT NULL,
	`run_key` varchar(64) NOT NULL,
	`status` varchar(16) NOT NULL,
	`locked_until` bigint NOT NULL,
	`started_at` bigint NOT NULL,
	`finished_at` bigint,
	`summary` mediumtext,
	CONSTRAINT `job_runs_job_run_key_pk` PRIMARY KEY(`job`,`run_key`)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`dedupe_key` varchar(191) NOT NULL,
	`target_type` varchar(16) NOT NULL,
	`target_id` bigint NOT NULL,
	`payload` mediumtext NOT NULL,
	`card_key` varchar(128),
	`status` varchar(16) NOT NULL,
	`attempts` bigint NOT NULL DEFAULT 0,
	`next_attempt_at` bigint NOT NULL,
	`locked_until` bigint,
	`last_error` varchar(500),
	`created_at` bigint NOT NULL,
	`sent_at` bigint,
	CONSTRAINT `outbox_id` PRIMARY KEY(`id`),
	CONSTRAINT `outbox_dedupe_uq` UNIQUE(`dedupe_key`)
);
--> statement-breakpoint
CREATE TABLE `pass_downs` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`referral_id` bigint NOT NULL,
	`from_unit_id` bigint NOT NULL,
	`to_unit_id` bigint NOT NULL,
	`note` varchar(500),
	`by` bigint NOT NULL,
	`at` bigint NOT NULL,
	CONSTRAINT `pass_downs_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `people` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`unit_id` bigint NOT NULL,
	`name` varchar(64) NOT NULL,
	`title` varchar(64),
	`phone` varchar(32),
	`demo` boolean NOT NULL DEFAULT false,
	`active` boolean NOT NULL DEFAULT true,
	CONSTRAINT `people_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `person_bindings` (
	`person_id` bigint NOT NULL,
	`channel` varchar(16) NOT NULL,
	`external_id` varchar(128) NOT NULL,
	CONSTRAINT `person_bindings_person_id_channel_pk` PRIMARY KEY(`person_id`,`channel`),
	CONSTRAINT `person_bindings_ext_uq` UNIQUE(`channel`,`external_id`)
);
--> statement-breakpoint
CREATE TABLE `person_roles` (
	`person_id` bigint NOT NULL,
	`role` varchar(32) NOT NULL,
	CONSTRAINT `person_roles_person_id_role_pk` PRIMARY KEY(`person_id`,`role`)
);
--> statement-breakpoint
CREATE TABLE `receipts` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`referral_id` bigint NOT NULL,
	`unit_id` bigint NOT NULL,
	`signed_by` bigint NOT NULL,
	`signer_name` varchar(64) NOT NULL,
	`handed_over_by` varchar(64) NOT NULL,
	`volumes` bigint NOT NULL,
	`pages` bigint NOT NULL,
	`exhibits` varchar(500) NOT NULL,
	`handover_date` varchar(10) NOT NULL,
	`signed_date` varchar(10) NOT NULL,
	`signed_at` bigint NOT NULL,
	`channel` varchar(16) NOT NULL,
	CONSTRAINT `receipts_id` PRIMARY KEY(`id`),
	CONSTRAINT `receipts_unit_uq` UNIQUE(`referral_id`,`unit_id`)
);
--> statement-breakpoint
CREATE TABLE `referral_returns` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`referral_id` bigint NOT NULL,
	`unit_id` bigint NOT NULL,
	`reason` varchar(500) NOT NULL,
	`returned_by` bigint NOT NULL,
	`returned_at` bigint NOT NULL,
	`resolution` varchar(16),
	`resolved_by` bigint,
	`resolved_at` bigint,
	`redirected_to` bigint,
	CONSTRAINT `referral_returns_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `referrals` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`number` varchar(64) NOT NULL,
	`year` bigint NOT NULL,
	`seq` bigint NOT NULL,
	`kind` varchar(16) NOT NULL,
	`status` varchar(32) NOT NULL,
	`referring_unit_id` bigint NOT NULL,
	`handling_unit_id` bigint NOT NULL,
	`supervising_unit_id` bigint,
	`case_name` varchar(200) NOT NULL,
	`cause` varchar(200) NOT NULL,
	`complainant_name` varchar(64) NOT NULL,
	`company_name` varchar(200) NOT NULL,
	`head_count` bigint NOT NULL,
	`amount_fen` bigint NOT NULL,
	`found_date` varchar(10) NOT NULL,
	`referral_date` varchar(10) NOT NULL,
	`contact_name` varchar(64) NOT NULL,
	`contact_phone` varchar(32) NOT NULL,
	`file_volumes` bigint NOT NULL,
	`file_pages` bigint NOT NULL,
	`exhibits` varchar(500) NOT NULL,
	`referral_late_days` bigint NOT NULL,
	`created_by` bigint NOT NULL,
	`created_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	`closed_at` bigint,
	`version` bigint NOT NULL DEFAULT 1,
	CONSTRAINT `referrals_id` PRIMARY KEY(`id`),
	CONSTRAINT `referrals_number_uq` UNIQUE(`referring_unit_id`,`year`,`seq`)
);
--> statement-breakpoint
CREATE TABLE `sim_messages` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`inbox` varchar(32) NOT NULL,
	`card_key` varchar(128),
	`payload` mediumtext NOT NULL,
	`created_at` bigint NOT NULL,
	`updated_at` bigint NOT NULL,
	CONSTRAINT `sim_messages_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `units` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`code` varchar(64) NOT NULL,
	`name` varchar(128) NOT NULL,
	`short_name` varchar(64) NOT NULL,
	`region` varchar(32) NOT NULL,
	`region_name` varchar(64) NOT NULL,
	`level` varchar(16) NOT NULL,
	`kind` varchar(32) NOT NULL,
	`doc_prefix` varchar(32),
	`active` boolean NOT NULL DEFAULT true,
	CONSTRAINT `units_id` PRIMARY KEY(`id`),
	CONSTRAINT `units_code_uq` UNIQUE(`code`)
);
--> statement-breakpoint
CREATE TABLE `urges` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`referral_id` bigint NOT NULL,
	`date` varchar(10) NOT NULL,
	`by` bigint NOT NULL,
	`at` bigint NOT NULL,
	CONSTRAINT `urges_id` PRIMARY KEY(`id`),
	CONSTRAINT `urges_day_uq` UNIQUE(`referral_id`,`date`)
);
--> statement-breakpoint
CREATE INDEX `audit_subject_idx` ON `audit_log` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `clocks_due_idx` ON `clocks` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `clocks_subject_idx` ON `clocks` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `extension_requests_referral_idx` ON `extension_requests` (`referral_id`);--> statement-breakpoint
CREATE INDEX `feedbacks_referral_idx` ON `feedbacks` (`referral_id`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_card_idx` ON `outbox` (`card_key`);--> statement-breakpoint
CREATE INDEX `people_unit_idx` ON `people` (`unit_id`);--> statement-breakpoint
CREATE INDEX `referral_returns_unit_idx` ON `referral_returns` (`unit_id`);--> statement-breakpoint
CREATE INDEX `referrals_handling_idx` ON `referrals` (`handling_unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `referrals_referring_idx` ON `referrals` (`referring_unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `referrals_date_idx` ON `referrals` (`referral_date`);--> statement-breakpoint
CREATE INDEX `sim_messages_inbox_idx` ON `sim_messages` (`inbox`,`id`);--> statement-breakpoint
CREATE INDEX `units_kind_idx` ON `units` (`kind`);