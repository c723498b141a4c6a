-- A person's timeline (issue 23): lead_events holds what happens to a lead outside the runs' records (statuses set
-- and memberships removed by a person or the API), append-only (an update is refused; rows go only with their
-- organization or by retention). Run records that name no lead (ignored group, invalid and file-duplicate
-- addresses) are found by address on a partial index; those of a lead are found by lead_id (run_records_lead_run_idx).
CREATE TYPE "public"."lead_event_kind" AS ENUM('status_changed', 'membership_added', 'membership_removed');--> statement-breakpoint
CREATE TABLE "lead_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lead_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"organization_id" uuid NOT NULL,
	"email" text NOT NULL,
	"lead_id" uuid,
	"kind" "lead_event_kind" NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_status" "lead_status",
	"to_status" "lead_status",
	"mailing_list_id" uuid,
	"mailing_list_name" text,
	"api_key_id" uuid,
	"api_key_name" text,
	"sync_id" uuid
);
--> statement-breakpoint
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_events_organization_email_idx" ON "lead_events" USING btree ("organization_id",lower("email"),"occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "run_records_organization_unlinked_email_idx" ON "run_records" USING btree ("organization_id",lower("email")) WHERE "run_records"."lead_id" is null and "run_records"."email" is not null;--> statement-breakpoint
CREATE FUNCTION leadsync_lead_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'lead_events is append-only' USING ERRCODE = 'LS002';
END
$fn$;--> statement-breakpoint
CREATE TRIGGER lead_events_append_only BEFORE UPDATE ON "lead_events"
FOR EACH STATEMENT EXECUTE FUNCTION leadsync_lead_events_append_only();
