-- Retention (issue 23): run records older than an organization's run_record_retention_days (default 400) are pruned by
-- the worker's daily run-records.prune job; the runs and their totals stay (records_pruned_at), and the organization
-- keeps the latest cutoff (run_records_pruned_before), which a person's timeline shows.
ALTER TABLE "organizations" ADD COLUMN "run_record_retention_days" integer DEFAULT 400 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "run_records_pruned_before" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "records_pruned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_run_record_retention_days_range" CHECK ("organizations"."run_record_retention_days" between 1 and 36500);