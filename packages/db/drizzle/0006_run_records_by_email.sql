-- Rule 4 (file duplicates) across the write units of a run: the engine asks its stored records instead of keeping
-- every email of the run in memory (memory flat in the size of a run; nothing to rebuild on resume).
CREATE INDEX "run_records_run_email_idx" ON "run_records" USING btree ("run_id","email");