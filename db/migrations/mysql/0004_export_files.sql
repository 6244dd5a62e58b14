CREATE TABLE `export_files` (
	`id` bigint AUTO_INCREMENT NOT NULL,
	`token` varchar(64) NOT NULL,
	`person_id` bigint NOT NULL,
	`file_name` varchar(255) NOT NULL,
	`bytes` bigint NOT NULL,
	`created_at` bigint NOT NULL,
	`expires_at` bigint NOT NULL,
	CONSTRAINT `export_files_id` PRIMARY KEY(`id`),
	CONSTRAINT `export_files_token_uq` UNIQUE(`token`)
);
