import { type Database, isUuid } from '@leadsync/db';
import {
  type Connection,
  connections,
  organizations,
  type Sync,
  type SyncRun,
  syncRuns,
  syncs,
} from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';

import { CliError } from './errors.ts';

export { CliError };

/**
 * The CLI is an operator's tool with database access, so it finds a sync by id alone (across organizations); with
 * `organizationId` it must belong to that organization.
 */
export async function findSync(
  db: Database,
  syncId: string,
  organizationId?: string,
): Promise<{ sync: Sync; connection: Connection; organizationName: string }> {
  const notFound = new CliError(
    `Sync ${syncId} was not found${organizationId ? ` in organization ${organizationId}` : ''}.`,
  );
  if (!isUuid(syncId) || (organizationId !== undefined && !isUuid(organizationId))) throw notFound;
  const [row] = await db
    .select({ sync: syncs, connection: connections, organizationName: organizations.name })
    .from(syncs)
    .innerJoin(
      connections,
      and(eq(connections.organizationId, syncs.organizationId), eq(connections.id, syncs.connectionId)),
    )
    .innerJoin(organizations, eq(organizations.id, syncs.organizationId))
    .where(
      organizationId
        ? and(eq(syncs.id, syncId), eq(syncs.organizationId, organizationId))
        : eq(syncs.id, syncId),
    );
  if (!row) throw notFound;
  return row;
}

export async function findRun(db: Database, runId: string): Promise<SyncRun> {
  const [run] = isUuid(runId) ? await db.select().from(syncRuns).where(eq(syncRuns.id, runId)) : [];
  if (!run) throw new CliError(`Sync run ${runId} was not found.`);
  return run;
}
