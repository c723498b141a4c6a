-- The timeline's index of run records that name no lead (migration 0013) becomes a hash index of the organization
-- and the address: the engine writes into it for every ignored record (a third of sync.e2e's first import), and a
-- B-tree insert compares the address down the tree where a hash insert hashes the key once. PostgreSQL CPU to insert
-- 100,000 run records (a third without a lead) in statements of 1,000, summed over 8 alternating rounds: 7.18 s
-- without the index, 8.15 s with the B-tree (organization_id, lower(email)), 7.66 s with this index (the same with
-- a hash of lower(email) alone, which would mix tenants). The timeline asks only for equality, with this expression.
-- Built on a large table (here), a hash index sizes its buckets for all of the table's rows, not only the indexed
-- ones (~26 bytes a run record: 128 MB for 5,000,000); from an empty table it grows with its entries.
DROP INDEX "run_records_organization_unlinked_email_idx";--> statement-breakpoint
CREATE INDEX "run_records_unlinked_email_hash_idx" ON "run_records" USING hash (("organization_id"::text || lower("email"))) WHERE "run_records"."lead_id" is null and "run_records"."email" is not null;