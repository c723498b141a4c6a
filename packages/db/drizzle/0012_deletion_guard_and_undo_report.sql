ALTER TABLE "sync_runs" ADD COLUMN "undo_report" jsonb;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "held_deletions" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "warning" text;--> statement-breakpoint
ALTER TABLE "syncs" ADD COLUMN "deletion_guard_percent" integer DEFAULT 50 NOT NULL;--> statement-breakpoint
ALTER TABLE "syncs" ADD COLUMN "deletions_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "syncs" ADD CONSTRAINT "syncs_deletion_guard_percent_range" CHECK ("syncs"."deletion_guard_percent" between 0 and 100);