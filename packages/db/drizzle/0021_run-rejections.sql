ALTER TABLE "sync_runs" ADD COLUMN "rejected_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "rejections" text[] DEFAULT '{}'::text[] NOT NULL;