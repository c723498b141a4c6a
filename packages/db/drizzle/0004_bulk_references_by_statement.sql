ALTER TABLE "leads" DROP CONSTRAINT "leads_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "list_memberships" DROP CONSTRAINT "list_memberships_added_by_sync_id_syncs_id_fk";
--> statement-breakpoint
ALTER TABLE "list_memberships" DROP CONSTRAINT "list_memberships_mailing_list_fk";
--> statement-breakpoint
ALTER TABLE "list_memberships" DROP CONSTRAINT "list_memberships_lead_fk";
--> statement-breakpoint
ALTER TABLE "run_records" DROP CONSTRAINT "run_records_lead_id_leads_id_fk";
--> statement-breakpoint
ALTER TABLE "run_records" DROP CONSTRAINT "run_records_run_fk";
--> statement-breakpoint
ALTER TABLE "source_records" DROP CONSTRAINT "source_records_lead_id_leads_id_fk";
--> statement-breakpoint
ALTER TABLE "source_records" DROP CONSTRAINT "source_records_last_seen_run_id_sync_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "source_records" DROP CONSTRAINT "source_records_sync_fk";
--> statement-breakpoint
-- The references of the four tables the engine writes in bulk (leads, list_memberships, source_records, run_records)
-- are enforced per statement instead of per row. A foreign key checks each inserted row on its own (a query, a row
-- lock and an executor start per row and reference: nine references, about 1,400 checks per 200 contacts, 30% of
-- the database's time in an import). These triggers check all the rows of a statement in one query, take the same
-- KEY SHARE locks on the referenced rows, and do what the foreign keys did on delete (cascade or set null), keeping
-- the constraint names in their errors (SQLSTATE 23503). src/schema/bulk-references.ts lists them; its test checks
-- every one. Referenced keys never change (guarded below), so no ON UPDATE action is needed.
CREATE FUNCTION leadsync_check_reference() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  constraint_name text := TG_ARGV[0];
  child_columns text[] := string_to_array(TG_ARGV[1], ',');
  parent_table text := TG_ARGV[2];
  parent_columns text[] := string_to_array(TG_ARGV[3], ',');
  key_list text;
  not_null text;
  matches text;
  expected bigint;
  found bigint;
  missing text;
BEGIN
  SELECT string_agg(format('n.%I', c), ', '), string_agg(format('n.%I IS NOT NULL', c), ' AND ')
    INTO key_list, not_null FROM unnest(child_columns) AS c;
  SELECT string_agg(format('p.%I = k.%I', p, c), ' AND ')
    INTO matches FROM unnest(parent_columns, child_columns) AS u(p, c);
  -- One index probe per distinct key (the lateral subquery with its lock is never flattened into a join): the
  -- transition table has no statistics, and a join was planned as a hash of the whole referenced table.
  EXECUTE format(
    'WITH k AS MATERIALIZED (SELECT DISTINCT %1$s FROM new_rows n WHERE %2$s) '
    'SELECT (SELECT count(*) FROM k), '
    '(SELECT count(*) FROM k CROSS JOIN LATERAL (SELECT 1 FROM %3$I p WHERE %4$s FOR KEY SHARE OF p) AS locked)',
    key_list, not_null, parent_table, matches)
    INTO expected, found;
  IF found < expected THEN
    EXECUTE format(
      'SELECT concat_ws('', '', %1$s) FROM new_rows n WHERE %2$s '
      'AND NOT EXISTS (SELECT 1 FROM %3$I p WHERE %4$s) LIMIT 1',
      key_list, not_null, parent_table, replace(matches, 'k.', 'n.'))
      INTO missing;
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, constraint_name
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = constraint_name, TABLE = TG_TABLE_NAME,
            DETAIL = format('Key (%s)=(%s) is not present in table "%s".',
                            array_to_string(child_columns, ', '), missing, parent_table);
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER leads_organization_fk_insert AFTER INSERT ON leads REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('leads_organization_id_organizations_id_fk', 'organization_id', 'organizations', 'id');
--> statement-breakpoint
CREATE TRIGGER leads_organization_fk_update AFTER UPDATE ON leads REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('leads_organization_id_organizations_id_fk', 'organization_id', 'organizations', 'id');
--> statement-breakpoint
CREATE TRIGGER list_memberships_mailing_list_fk_insert AFTER INSERT ON list_memberships REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('list_memberships_mailing_list_fk', 'organization_id,mailing_list_id', 'mailing_lists', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER list_memberships_mailing_list_fk_update AFTER UPDATE ON list_memberships REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('list_memberships_mailing_list_fk', 'organization_id,mailing_list_id', 'mailing_lists', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER list_memberships_lead_fk_insert AFTER INSERT ON list_memberships REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('list_memberships_lead_fk', 'organization_id,lead_id', 'leads', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER list_memberships_lead_fk_update AFTER UPDATE ON list_memberships REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('list_memberships_lead_fk', 'organization_id,lead_id', 'leads', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER list_memberships_added_by_sync_fk_insert AFTER INSERT ON list_memberships REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('list_memberships_added_by_sync_id_syncs_id_fk', 'added_by_sync_id', 'syncs', 'id');
--> statement-breakpoint
CREATE TRIGGER list_memberships_added_by_sync_fk_update AFTER UPDATE ON list_memberships REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('list_memberships_added_by_sync_id_syncs_id_fk', 'added_by_sync_id', 'syncs', 'id');
--> statement-breakpoint
CREATE TRIGGER source_records_sync_fk_insert AFTER INSERT ON source_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('source_records_sync_fk', 'organization_id,sync_id', 'syncs', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER source_records_sync_fk_update AFTER UPDATE ON source_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('source_records_sync_fk', 'organization_id,sync_id', 'syncs', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER source_records_lead_fk_insert AFTER INSERT ON source_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('source_records_lead_id_leads_id_fk', 'lead_id', 'leads', 'id');
--> statement-breakpoint
CREATE TRIGGER source_records_lead_fk_update AFTER UPDATE ON source_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('source_records_lead_id_leads_id_fk', 'lead_id', 'leads', 'id');
--> statement-breakpoint
CREATE TRIGGER source_records_last_seen_run_fk_insert AFTER INSERT ON source_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('source_records_last_seen_run_id_sync_runs_id_fk', 'last_seen_run_id', 'sync_runs', 'id');
--> statement-breakpoint
CREATE TRIGGER source_records_last_seen_run_fk_update AFTER UPDATE ON source_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('source_records_last_seen_run_id_sync_runs_id_fk', 'last_seen_run_id', 'sync_runs', 'id');
--> statement-breakpoint
CREATE TRIGGER run_records_run_fk_insert AFTER INSERT ON run_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('run_records_run_fk', 'organization_id,run_id', 'sync_runs', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER run_records_run_fk_update AFTER UPDATE ON run_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('run_records_run_fk', 'organization_id,run_id', 'sync_runs', 'organization_id,id');
--> statement-breakpoint
CREATE TRIGGER run_records_lead_fk_insert AFTER INSERT ON run_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('run_records_lead_id_leads_id_fk', 'lead_id', 'leads', 'id');
--> statement-breakpoint
CREATE TRIGGER run_records_lead_fk_update AFTER UPDATE ON run_records REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_check_reference('run_records_lead_id_leads_id_fk', 'lead_id', 'leads', 'id');
--> statement-breakpoint
-- The referenced side: what the foreign keys did on delete, once per statement.
CREATE FUNCTION leadsync_organizations_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM leads l USING old_rows o WHERE l.organization_id = o.id;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER organizations_deleted AFTER DELETE ON organizations REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_organizations_deleted();
--> statement-breakpoint
CREATE FUNCTION leadsync_mailing_lists_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM list_memberships m USING old_rows o
    WHERE m.organization_id = o.organization_id AND m.mailing_list_id = o.id;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER mailing_lists_deleted AFTER DELETE ON mailing_lists REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_mailing_lists_deleted();
--> statement-breakpoint
CREATE FUNCTION leadsync_leads_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM list_memberships m USING old_rows o WHERE m.organization_id = o.organization_id AND m.lead_id = o.id;
  UPDATE run_records r SET lead_id = NULL FROM old_rows o WHERE r.lead_id = o.id;
  UPDATE source_records s SET lead_id = NULL FROM old_rows o WHERE s.lead_id = o.id;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER leads_deleted AFTER DELETE ON leads REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_leads_deleted();
--> statement-breakpoint
CREATE FUNCTION leadsync_syncs_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM source_records s USING old_rows o WHERE s.organization_id = o.organization_id AND s.sync_id = o.id;
  UPDATE list_memberships m SET added_by_sync_id = NULL FROM old_rows o WHERE m.added_by_sync_id = o.id;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER syncs_deleted AFTER DELETE ON syncs REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_syncs_deleted();
--> statement-breakpoint
CREATE FUNCTION leadsync_sync_runs_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM run_records r USING old_rows o WHERE r.organization_id = o.organization_id AND r.run_id = o.id;
  UPDATE source_records s SET last_seen_run_id = NULL FROM old_rows o WHERE s.last_seen_run_id = o.id;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER sync_runs_deleted AFTER DELETE ON sync_runs REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION leadsync_sync_runs_deleted();
--> statement-breakpoint
-- Referenced keys never change: a change would leave the rows that refer to them behind.
CREATE FUNCTION leadsync_refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the key of a row of "%" cannot change: rows of other tables refer to it', TG_TABLE_NAME
    USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER organizations_key_is_fixed BEFORE UPDATE OF id ON organizations FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION leadsync_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER mailing_lists_key_is_fixed BEFORE UPDATE OF id, organization_id ON mailing_lists FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION leadsync_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER leads_key_is_fixed BEFORE UPDATE OF id, organization_id ON leads FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION leadsync_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER syncs_key_is_fixed BEFORE UPDATE OF id, organization_id ON syncs FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION leadsync_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER sync_runs_key_is_fixed BEFORE UPDATE OF id, organization_id ON sync_runs FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION leadsync_refuse_key_change();
