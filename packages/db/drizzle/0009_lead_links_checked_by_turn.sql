-- The lead that a run record or a source record names is no longer checked when the row is written (deleting a lead
-- still clears both: leadsync_leads_deleted). Only the engine writes these rows, and only while it holds the
-- organization's lead-write turn (takeLeadWriteTurn), which every hard delete of leads takes too (undo; deleting an
-- organization removes its runs and syncs along with its leads): a lead the engine names cannot vanish before it
-- commits. A lead id alone, not paired with the organization, never kept tenants apart (list memberships, which do,
-- are still checked). The two checks cost a probe and a row lock per lead, twice: about 9% of an import's writes.
DROP TRIGGER source_records_lead_fk_insert ON source_records;--> statement-breakpoint
DROP TRIGGER source_records_lead_fk_update ON source_records;--> statement-breakpoint
DROP TRIGGER run_records_lead_fk_insert ON run_records;--> statement-breakpoint
DROP TRIGGER run_records_lead_fk_update ON run_records;
