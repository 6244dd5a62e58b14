CREATE TABLE `export_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token` text(64) NOT NULL,
	`person_id` integer NOT NULL,
	`file_name` text(255) NOT NULL,
	`bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `export_files_token_uq` ON `export_files` (`token`);