-- Fewer index entries per imported record. Rule 4 (file duplicates) across a run's write units now asks whether
-- the run has recorded the email's lead (found anyway by the unit's lookup) on an index of (lead_id, run_id), which
-- replaces the lead_id index that deletions of leads needed; the (run_id, email) index, one entry per record of every
-- run, is kept only for what has no lead: the new records of a dry run. The (organization_id, id) key of leads was
-- the target of composite foreign keys that migration 0004 turned into triggers, which probe the primary key.
ALTER TABLE "leads" DROP CONSTRAINT "leads_organization_id_id_key";--> statement-breakpoint
DROP INDEX "run_records_lead_id_idx";--> statement-breakpoint
DROP INDEX "run_records_run_email_idx";--> statement-breakpoint
CREATE INDEX "run_records_lead_run_idx" ON "run_records" USING btree ("lead_id","run_id");--> statement-breakpoint
CREATE INDEX "run_records_run_email_unlinked_new_idx" ON "run_records" USING btree ("run_id","email") WHERE "run_records"."lead_id" is null and "run_records"."outcome" = 'new';