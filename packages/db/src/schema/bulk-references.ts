/**
 * References of the tables the engine writes in bulk, enforced per statement by triggers (migration 0004) instead of
 * per row by foreign keys: a foreign key runs one query and takes one row lock per inserted row and reference, which
 * was 30% of the database's time in an import. Same names, same SQLSTATE (23503), same delete actions.
 */
export interface BulkReference {
  /** The constraint name that errors carry, as the foreign key had. */
  name: string;
  table: 'leads' | 'list_memberships' | 'source_records' | 'run_records';
  columns: readonly string[];
  references: 'organizations' | 'mailing_lists' | 'leads' | 'syncs' | 'sync_runs';
  referencedColumns: readonly string[];
  onDelete: 'cascade' | 'set null';
  /**
   * False for the lead named by a run or source record: only the engine writes those, holding the organization's
   * lead-write turn that every hard delete of leads takes too, so the lead cannot vanish meanwhile (migration 0009).
   * The delete action still applies.
   */
  checkedOnWrite: boolean;
}

export const bulkReferences: readonly BulkReference[] = [
  {
    name: 'leads_organization_id_organizations_id_fk',
    table: 'leads',
    columns: ['organization_id'],
    references: 'organizations',
    referencedColumns: ['id'],
    onDelete: 'cascade',
    checkedOnWrite: true,
  },
  {
    name: 'list_memberships_mailing_list_fk',
    table: 'list_memberships',
    columns: ['organization_id', 'mailing_list_id'],
    references: 'mailing_lists',
    referencedColumns: ['organization_id', 'id'],
    onDelete: 'cascade',
    checkedOnWrite: true,
  },
  {
    name: 'list_memberships_lead_fk',
    table: 'list_memberships',
    columns: ['organization_id', 'lead_id'],
    references: 'leads',
    referencedColumns: ['organization_id', 'id'],
    onDelete: 'cascade',
    checkedOnWrite: true,
  },
  {
    name: 'list_memberships_added_by_sync_id_syncs_id_fk',
    table: 'list_memberships',
    columns: ['added_by_sync_id'],
    references: 'syncs',
    referencedColumns: ['id'],
    onDelete: 'set null',
    checkedOnWrite: true,
  },
  {
    name: 'source_records_sync_fk',
    table: 'source_records',
    columns: ['organization_id', 'sync_id'],
    references: 'syncs',
    referencedColumns: ['organization_id', 'id'],
    onDelete: 'cascade',
    checkedOnWrite: true,
  },
  {
    name: 'source_records_lead_id_leads_id_fk',
    table: 'source_records',
    columns: ['lead_id'],
    references: 'leads',
    referencedColumns: ['id'],
    onDelete: 'set null',
    checkedOnWrite: false,
  },
  {
    name: 'source_records_last_seen_run_id_sync_runs_id_fk',
    table: 'source_records',
    columns: ['last_seen_run_id'],
    references: 'sync_runs',
    referencedColumns: ['id'],
    onDelete: 'set null',
    checkedOnWrite: true,
  },
  {
    name: 'run_records_run_fk',
    table: 'run_records',
    columns: ['organization_id', 'run_id'],
    references: 'sync_runs',
    referencedColumns: ['organization_id', 'id'],
    onDelete: 'cascade',
    checkedOnWrite: true,
  },
  {
    name: 'run_records_lead_id_leads_id_fk',
    table: 'run_records',
    columns: ['lead_id'],
    references: 'leads',
    referencedColumns: ['id'],
    onDelete: 'set null',
    checkedOnWrite: false,
  },
];
