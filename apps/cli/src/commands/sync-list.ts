import { type Database, isUuid } from '@leadsync/db';
import { connections, organizations, syncs } from '@leadsync/db/schema';
import { and, asc, eq } from 'drizzle-orm';
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
  const rows: SyncListRow[] = await db
    .select({
      id: syncs.id,
      name: syncs.name,
      connector: connections.connectorId,
      status: syncs.status,
      inactiveReason: syncs.inactiveReason,
      nextRunAt: syncs.nextRunAt,
      organization: organizations.name,
    })
    .from(syncs)
    .innerJoin(
      connections,
      and(eq(connections.organizationId, syncs.organizationId), eq(connections.id, syncs.connectionId)),
    )
    .innerJoin(organizations, eq(organizations.id, syncs.organizationId))
    .where(options.organizationId ? eq(syncs.organizationId, options.organizationId) : undefined)
    .orderBy(asc(organizations.name), asc(syncs.name), asc(syncs.id))
    .then((found) =>
      found.map(({ inactiveReason, ...row }) => ({
        ...row,
        status: inactiveReason ? `${row.status} (${inactiveReason})` : row.status,
      })),
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
