CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`actor_name` text(64) NOT NULL,
	`channel` text(16) NOT NULL,
	`subject_type` text(32) NOT NULL,
	`subject_id` integer NOT NULL,
	`action` text(64) NOT NULL,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_subject_idx` ON `audit_log` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `calendar_days` (
	`date` text(10) PRIMARY KEY NOT NULL,
	`workday` integer NOT NULL,
	`name` text(64),
	`loaded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `calendar_years` (
	`year` integer PRIMARY KEY NOT NULL,
	`source` text(255) NOT NULL,
	`loaded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `card_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`card_key` text(128) NOT NULL,
	`person_id` integer NOT NULL,
	`channel` text(16) NOT NULL,
	`external_ref` text(255) NOT NULL,
	`delivered_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `card_deliveries_uq` ON `card_deliveries` (`card_key`,`person_id`,`channel`);--> statement-breakpoint
CREATE TABLE `chat_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text(64) NOT NULL,
	`name` text(128) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_groups_code_uq` ON `chat_groups` (`code`);--> statement-breakpoint
CREATE TABLE `clocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_type` text(32) NOT NULL,
	`subject_id` integer NOT NULL,
	`rule` text(64) NOT NULL,
	`unit_id` integer NOT NULL,
	`status` text(16) NOT NULL,
	`start_date` text(10) NOT NULL,
	`workdays` integer NOT NULL,
	`extension_days` integer DEFAULT 0 NOT NULL,
	`original_due_date` text(10) NOT NULL,
	`due_date` text(10) NOT NULL,
	`due_at` integer NOT NULL,
	`provisional` integer DEFAULT false NOT NULL,
	`escalation_level` integer DEFAULT 0 NOT NULL,
	`stopped_at` integer,
	`late_days` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `clocks_due_idx` ON `clocks` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `clocks_subject_idx` ON `clocks` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `doc_counters` (
	`unit_id` integer NOT NULL,
	`year` integer NOT NULL,
	`last` integer NOT NULL,
	PRIMARY KEY(`unit_id`, `year`)
);
--> statement-breakpoint
CREATE TABLE `escalations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`clock_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`subject_type` text(32) NOT NULL,
	`subject_id` integer NOT NULL,
	`overdue_days` integer NOT NULL,
	`escalated_on` text(10) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalations_clock_uq` ON `escalations` (`clock_id`);--> statement-breakpoint
CREATE TABLE `extension_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referral_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`workdays` integer NOT NULL,
	`reason` text(500) NOT NULL,
	`requested_by` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`status` text(16) NOT NULL,
	`decided_by` integer,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `extension_requests_referral_idx` ON `extension_requests` (`referral_id`);--> statement-breakpoint
CREATE TABLE `feedbacks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referral_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`data` text NOT NULL,
	`recovered_workers` integer NOT NULL,
	`recovered_fen` integer NOT NULL,
	`submitted_by` integer NOT NULL,
	`submitted_at` integer NOT NULL,
	`status` text(16) NOT NULL,
	`review_reason` text(500),
	`reviewed_by` integer,
	`reviewed_at` integer
);
--> statement-breakpoint
CREATE INDEX `feedbacks_referral_idx` ON `feedbacks` (`referral_id`);--> statement-breakpoint
CREATE TABLE `group_bindings` (
	`group_id` integer NOT NULL,
	`channel` text(16) NOT NULL,
	`external_id` text(255) NOT NULL,
	PRIMARY KEY(`group_id`, `channel`)
);
--> statement-breakpoint
CREATE TABLE `inbound_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text(191) NOT NULL,
	`channel` text(16) NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`handled_at` integer,
	`result` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_events_dedupe_uq` ON `inbound_events` (`dedupe_key`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` text(64) NOT NULL,
	`run_key` text(64) NOT NULL,
	`status` text(16) NOT NULL,
	`locked_until` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`summary` text,
	PRIMARY KEY(`job`, `run_key`)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text(191) NOT NULL,
	`target_type` text(16) NOT NULL,
	`target_id` integer NOT NULL,
	`payload` text NOT NULL,
	`card_key` text(128),
	`status` text(16) NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`locked_until` integer,
	`last_error` text(500),
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_uq` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_card_idx` ON `outbox` (`card_key`);--> statement-breakpoint
CREATE TABLE `pass_downs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referral_id` integer NOT NULL,
	`from_unit_id` integer NOT NULL,
	`to_unit_id` integer NOT NULL,
	`note` text(500),
	`by` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`name` text(64) NOT NULL,
	`title` text(64),
	`phone` text(32),
	`demo` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE INDEX `people_unit_idx` ON `people` (`unit_id`);--> statement-breakpoint
CREATE TABLE `person_bindings` (
	`person_id` integer NOT NULL,
	`channel` text(16) NOT NULL,
	`external_id` text(128) NOT NULL,
	PRIMARY KEY(`person_id`, `channel`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `person_bindings_ext_uq` ON `person_bindings` (`channel`,`external_id`);--> statement-breakpoint
CREATE TABLE `person_roles` (
	`person_id` integer NOT NULL,
	`role` text(32) NOT NULL,
	PRIMARY KEY(`person_id`, `role`)
);
--> statement-breakpoint
CREATE TABLE `receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referral_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`signed_by` integer NOT NULL,
	`signer_name` text(64) NOT NULL,
	`handed_over_by` text(64) NOT NULL,
	`volumes` integer NOT NULL,
	`pages` integer NOT NULL,
	`exhibits` text(500) NOT NULL,
	`handover_date` text(10) NOT NULL,
	`signed_date` text(10) NOT NULL,
	`signed_at` integer NOT NULL,
	`channel` text(16) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `receipts_unit_uq` ON `receipts` (`referral_id`,`unit_id`);--> statement-breakpoint
CREATE TABLE `referral_returns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referral_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`reason` text(500) NOT NULL,
	`returned_by` integer NOT NULL,
	`returned_at` integer NOT NULL,
	`resolution` text(16),
	`resolved_by` integer,
	`resolved_at` integer,
	`redirected_to` integer
);
--> statement-breakpoint
CREATE INDEX `referral_returns_unit_idx` ON `referral_returns` (`unit_id`);--> statement-breakpoint
CREATE TABLE `referrals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text(64) NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`kind` text(16) NOT NULL,
	`status` text(32) NOT NULL,
	`referring_unit_id` integer NOT NULL,
	`handling_unit_id` integer NOT NULL,
	`supervising_unit_id` integer,
	`case_name` text(200) NOT NULL,
	`cause` text(200) NOT NULL,
	`complainant_name` text(64) NOT NULL,
	`company_name` text(200) NOT NULL,
	`head_count` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`found_date` text(10) NOT NULL,
	`referral_date` text(10) NOT NULL,
	`contact_name` text(64) NOT NULL,
	`contact_phone` text(32) NOT NULL,
	`file_volumes` integer NOT NULL,
	`file_pages` integer NOT NULL,
	`exhibits` text(500) NOT NULL,
	`referral_late_days` integer NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `referrals_number_uq` ON `referrals` (`referring_unit_id`,`year`,`seq`);--> statement-breakpoint
CREATE INDEX `referrals_handling_idx` ON `referrals` (`handling_unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `referrals_referring_idx` ON `referrals` (`referring_unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `referrals_date_idx` ON `referrals` (`referral_date`);--> statement-breakpoint
CREATE TABLE `sim_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`inbox` text(32) NOT NULL,
	`card_key` text(128),
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sim_messages_inbox_idx` ON `sim_messages` (`inbox`,`id`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text(64) NOT NULL,
	`name` text(128) NOT NULL,
	`short_name` text(64) NOT NULL,
	`region` text(32) NOT NULL,
	`region_name` text(64) NOT NULL,
	`level` text(16) NOT NULL,
	`kind` text(32) NOT NULL,
	`doc_prefix` text(32),
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_code_uq` ON `units` (`code`);--> statement-breakpoint
CREATE INDEX `units_kind_idx` ON `units` (`kind`);--> statement-breakpoint
CREATE TABLE `urges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referral_id` integer NOT NULL,
	`date` text(10) NOT NULL,
	`by` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `urges_day_uq` ON `urges` (`referral_id`,`date`);