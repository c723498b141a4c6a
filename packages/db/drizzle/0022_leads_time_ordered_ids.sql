-- Leads get time-ordered ids (UUID version 7, RFC 9562): the first 48 bits are the Unix time in milliseconds, then the
-- version (7), 74 random bits and the variant. The indexes keyed by a lead id (leads_pkey, source_records_lead_id_idx,
-- run_records_lead_run_idx, list_memberships' primary key and list_memberships_lead_id_idx) then grow at their right
-- end: a run importing a million leads no longer writes each of them into a random page of five indexes too large
-- for shared_buffers. PostgreSQL 15 has no uuidv7(): this function takes a random UUID (version 4), puts the time in
-- its first six bytes and turns its version nibble from 4 (0100) into 7 (0111) by setting bits 52 and 53. Existing
-- leads keep their ids.
CREATE FUNCTION leadsync_uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;--> statement-breakpoint
ALTER TABLE "leads" ALTER COLUMN "id" SET DEFAULT leadsync_uuid_v7();
