ALTER TYPE "public"."connection_status" ADD VALUE 'needs_permission';--> statement-breakpoint
ALTER TYPE "public"."run_status" ADD VALUE 'waiting' BEFORE 'succeeded';--> statement-breakpoint
CREATE TABLE "request_budgets" (
	"account" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"quota_limit" integer,
	"quota_remaining" integer,
	"quota_reset_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "sync_runs_one_active_per_sync_idx";--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "waiting_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "waiting_reason" text;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "deletions_checked" boolean;--> statement-breakpoint
ALTER TABLE "syncs" ADD COLUMN "deletion_check_hours" integer DEFAULT 24 NOT NULL;--> statement-breakpoint
ALTER TABLE "syncs" ADD COLUMN "deletions_checked_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_active_per_sync_idx" ON "sync_runs" USING btree ("sync_id") WHERE "sync_runs"."status" not in ('succeeded', 'failed') and not "sync_runs"."dry_run";