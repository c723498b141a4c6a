import type { Database } from '@leadsync/db';
import {
  connections,
  mailingLists,
  organizations,
  type Sync,
  type SyncSchedule,
  type SyncStatus,
  syncs,
} from '@leadsync/db/schema';

export interface SeededOrganization {
  organizationId: string;
  mailingListId: string;
  /** Connection id per connector id. */
  connectionIds: Record<string, string>;
}

/** An organization with a mailing list and one connection per connector id (credentials are not read here). */
export async function seedOrganization(
  db: Database,
  connectorIds: readonly string[],
): Promise<SeededOrganization> {
  const [organization] = await db.insert(organizations).values({ name: 'Scheduling test' }).returning();
  if (!organization) throw new Error('no organization');
  const [list] = await db
    .insert(mailingLists)
    .values({ organizationId: organization.id, name: 'Customers' })
    .returning();
  if (!list) throw new Error('no list');
  const connectionIds: Record<string, string> = {};
  for (const connectorId of connectorIds) {
    const [connection] = await db
      .insert(connections)
      .values({ organizationId: organization.id, connectorId, name: connectorId, credentialsEncrypted: 'x' })
      .returning();
    if (!connection) throw new Error('no connection');
    connectionIds[connectorId] = connection.id;
  }
  return { organizationId: organization.id, mailingListId: list.id, connectionIds };
}

export async function seedSync(
  db: Database,
  seeded: SeededOrganization,
  connectorId: string,
  options: { schedule?: SyncSchedule; status?: SyncStatus; name?: string } = {},
): Promise<Sync> {
  const connectionId = seeded.connectionIds[connectorId];
  if (!connectionId) throw new Error(`no connection for ${connectorId}`);
  const [sync] = await db
    .insert(syncs)
    .values({
      organizationId: seeded.organizationId,
      connectionId,
      name: options.name ?? `sync of ${connectorId}`,
      sourceOrganizationId: 'org-1',
      importMode: 'all',
      mailingListId: seeded.mailingListId,
      schedule: options.schedule ?? { frequency: 'DAILY', time: '09:00', timeZone: 'Europe/Paris' },
      status: options.status ?? 'active',
    })
    .returning();
  if (!sync) throw new Error('no sync');
  return sync;
}
