import { type Database, findRunAnyOrganization, findSyncAcrossOrganizations } from '@leadsync/db';
import type { Connection, Sync, SyncRun } from '@leadsync/db/schema';

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
  const found = await findSyncAcrossOrganizations(db, syncId, organizationId);
  if (!found) {
    throw new CliError(
      `Sync ${syncId} was not found${organizationId ? ` in organization ${organizationId}` : ''}.`,
    );
  }
  return found;
}

export async function findRun(db: Database, runId: string): Promise<SyncRun> {
  const run = await findRunAnyOrganization(db, runId);
  if (!run) throw new CliError(`Sync run ${runId} was not found.`);
  return run;
}
