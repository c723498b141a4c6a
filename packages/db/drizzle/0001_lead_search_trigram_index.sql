-- Substring search over a lead's email and names (`LIKE '%text%'`), fast when pg_trgm can be had.
-- pg_trgm ships with PostgreSQL's contrib (present in the embedded server and in Debian's packages)
-- and is a trusted extension, but a server without contrib, or a role without CREATE on the
-- database, must still migrate: then search falls back to a scan of the organization's leads.
-- The indexed expression must stay identical to `leadSearchText` in src/repositories/leads.ts.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE INDEX IF NOT EXISTS leads_search_trgm_idx ON leads USING gin (
        (lower(email || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) gin_trgm_ops
      );
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pg_trgm not installed (%): lead search will scan', SQLERRM;
    END;
  END IF;
END
$$;
