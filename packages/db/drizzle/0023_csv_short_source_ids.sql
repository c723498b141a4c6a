-- CSV source ids get shorter (@leadsync/connector-csv, "Source ids"): `email:` or `row:`, then the first 96 bits of the
-- SHA-1 in base64url (16 characters) instead of the whole SHA-1 in hex (40), then the repeat's `#n` as before. The ids
-- this sync's records and runs already hold are rewritten the same way, so the next run of an existing sync still
-- finds its records (nothing is reported new or deleted) and undo still finds a run's deleted records. Other
-- connectors' ids, and a CSV run's `line:<n>` ids of rejected rows, are left as they are.
CREATE FUNCTION pg_temp.leadsync_short_csv_id(id text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(
    (SELECT m[1] || translate(encode(decode(substr(m[2], 1, 24), 'hex'), 'base64'), '+/', '-_') || coalesce(m[3], '')
     FROM regexp_match(id, '^(email:|row:)([0-9a-f]{40})(#[0-9]+)?$') AS m WHERE m IS NOT NULL),
    id)
$$;--> statement-breakpoint
UPDATE source_records s SET source_id = pg_temp.leadsync_short_csv_id(s.source_id)
FROM syncs y JOIN connections c ON c.id = y.connection_id
WHERE y.id = s.sync_id AND c.connector_id = 'csv' AND s.source_id ~ '^(email|row):[0-9a-f]{40}';--> statement-breakpoint
UPDATE run_records r SET source_id = pg_temp.leadsync_short_csv_id(r.source_id)
FROM sync_runs u JOIN syncs y ON y.id = u.sync_id JOIN connections c ON c.id = y.connection_id
WHERE u.id = r.run_id AND c.connector_id = 'csv' AND r.source_id ~ '^(email|row):[0-9a-f]{40}';
