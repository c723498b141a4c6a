ALTER TABLE "connections" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "syncs" ADD COLUMN "reread_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "syncs" ADD COLUMN "setup_step" smallint;