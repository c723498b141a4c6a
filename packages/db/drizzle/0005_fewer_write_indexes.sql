-- Indexes no query uses, dropped because every import pays for them row by row: the email prefix index (search is
-- a substring match on the trigram index; email order uses the email itself), the organization indexes of
-- list_memberships and source_records (their queries name the list, lead or sync, which lead every other index of
-- theirs), and the surrogate key of run_records, whose rows are always found by run and seq.
ALTER TABLE "run_records" DROP CONSTRAINT "run_records_run_seq_key";--> statement-breakpoint
ALTER TABLE "run_records" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "run_records" ADD CONSTRAINT "run_records_pkey" PRIMARY KEY("run_id","seq");--> statement-breakpoint
DROP INDEX "leads_organization_email_prefix_idx";--> statement-breakpoint
DROP INDEX "list_memberships_organization_id_idx";--> statement-breakpoint
DROP INDEX "source_records_organization_id_idx";
