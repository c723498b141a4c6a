import { type Database, isUuid, listSyncsAcrossOrganizations } from '@leadsync/db';
import { formatTable, type Writer, writeLine } from '../format.ts';
import { CliError } from '../lookup.ts';

export interface SyncListRow {
  id: string;
  name: string;
  connector: string;
  status: string;
  nextRunAt: Date | null;
  organization: string;
}

/** `leadsync sync list`: every sync (or one organization's), by organization and name. */
export async function listSyncs(
  db: Database,
  options: { organizationId?: string },
  out: Writer,
): Promise<SyncListRow[]> {
  if (options.organizationId !== undefined && !isUuid(options.organizationId)) {
    throw new CliError(`Organization ${options.organizationId} was not found.`);
  }
  const rows: SyncListRow[] = (await listSyncsAcrossOrganizations(db, options.organizationId)).map(
    ({ inactiveReason, ...row }) => ({
      ...row,
      status: inactiveReason ? `${row.status} (${inactiveReason})` : row.status,
    }),
  );
  if (rows.length === 0) {
    writeLine(out, 'No syncs.');
    return rows;
  }
  out.write(
    formatTable(
      ['id', 'name', 'connector', 'status', 'next run', 'organization'],
      rows.map((row) => [
        row.id,
        row.name,
        row.connector,
        row.status,
        row.nextRunAt ? row.nextRunAt.toISOString().replace(/\.\d{3}Z$/, 'Z') : '–',
        row.organization,
      ]),
    ),
  );
  return rows;
}
