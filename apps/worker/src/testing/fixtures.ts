import { randomUUID } from 'node:crypto';
import {
  createOrganization,
  type Database,
  MailingListRepository,
  type SecretBox,
  WebhookRepository,
} from '@leadsync/db';
import {
  type Connection,
  connections,
  type NewSync,
  type Sync,
  type SyncSchedule,
  type SyncStatus,
  syncs,
  type WebhookEvent,
} from '@leadsync/db/schema';
import { generateWebhookSecret } from '@leadsync/webhooks';
import { eq } from 'drizzle-orm';

export interface SeededOrganization {
  organizationId: string;
  mailingListId: string;
  /** Connection id per connector id. */
  connectionIds: Record<string, string>;
}

/** A new organization and one mailing list of it. */
export async function seedOrganizationWithList(
  db: Database,
  name: string,
  listName = 'Customers',
): Promise<{ organizationId: string; mailingListId: string }> {
  const organization = await createOrganization(db, name);
  const list = await new MailingListRepository(db, organization.id).create(listName);
  return { organizationId: organization.id, mailingListId: list.id };
}

/** An organization with a mailing list and one connection per connector id (credentials are not read here). */
export async function seedOrganization(
  db: Database,
  connectorIds: readonly string[],
): Promise<SeededOrganization> {
  const { organizationId, mailingListId } = await seedOrganizationWithList(db, 'Scheduling test');
  const connectionIds: Record<string, string> = {};
  for (const connectorId of connectorIds) {
    const [connection] = await db
      .insert(connections)
      .values({ organizationId, connectorId, name: connectorId, credentialsEncrypted: 'x' })
      .returning();
    if (!connection) throw new Error('no connection');
    connectionIds[connectorId] = connection.id;
  }
  return { organizationId, mailingListId, connectionIds };
}

export interface SealedConnectionInput {
  connectorId: string;
  name: string;
  credentials: unknown;
  settings: Record<string, unknown>;
}

/** A connection whose credentials are sealed as the API seals them (bound to the connection's id). */
export async function seedSealedConnection(
  db: Database,
  secretBox: SecretBox,
  organizationId: string,
  input: SealedConnectionInput,
): Promise<Connection> {
  const [row] = await db
    .insert(connections)
    .values({
      organizationId,
      connectorId: input.connectorId,
      name: input.name,
      credentialsEncrypted: '-',
      settings: input.settings,
    })
    .returning();
  if (!row) throw new Error('no connection');
  const [connection] = await db
    .update(connections)
    .set({ credentialsEncrypted: secretBox.sealJson(input.credentials, row.id) })
    .where(eq(connections.id, row.id))
    .returning();
  if (!connection) throw new Error('no connection');
  return connection;
}

/** A sync row: active, importing every record, daily at 06:00 UTC, unless `values` says otherwise. */
export async function insertSync(
  db: Database,
  values: Omit<NewSync, 'importMode' | 'schedule'> & Partial<Pick<NewSync, 'importMode' | 'schedule'>>,
): Promise<Sync> {
  const [sync] = await db
    .insert(syncs)
    .values({
      importMode: 'all',
      schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
      status: 'active',
      ...values,
    })
    .returning();
  if (!sync) throw new Error('no sync');
  return sync;
}

export async function seedSync(
  db: Database,
  seeded: SeededOrganization,
  connectorId: string,
  options: { schedule?: SyncSchedule; status?: SyncStatus; name?: string } = {},
): Promise<Sync> {
  const connectionId = seeded.connectionIds[connectorId];
  if (!connectionId) throw new Error(`no connection for ${connectorId}`);
  return insertSync(db, {
    organizationId: seeded.organizationId,
    connectionId,
    name: options.name ?? `sync of ${connectorId}`,
    sourceOrganizationId: 'org-1',
    mailingListId: seeded.mailingListId,
    schedule: options.schedule ?? { frequency: 'DAILY', time: '09:00', timeZone: 'Europe/Paris' },
    status: options.status ?? 'active',
  });
}

/** A CSV connection of `rows` (under an `email` header) and an active sync of it to a new list, both named `name`. */
export async function seedCsvSync(
  db: Database,
  secretBox: SecretBox,
  organizationId: string,
  name: string,
  rows: string[],
): Promise<{ connection: Connection; sync: Sync }> {
  const connection = await seedSealedConnection(db, secretBox, organizationId, {
    connectorId: 'csv',
    name,
    credentials: {},
    settings: { csv: ['email', ...rows].join('\n') },
  });
  const list = await new MailingListRepository(db, organizationId).create(`List ${randomUUID()}`);
  const sync = await insertSync(db, {
    organizationId,
    connectionId: connection.id,
    mailingListId: list.id,
    sourceOrganizationId: 'file',
    name,
    fieldMapping: [{ source: 'email', target: 'email' }],
  });
  return { connection, sync };
}

/** A webhook of `organizationId` to `url` with a new secret (sealed as the API seals it). */
export async function seedWebhook(
  db: Database,
  secretBox: SecretBox,
  organizationId: string,
  url: string,
  events: WebhookEvent[],
): Promise<{ id: string; secret: string }> {
  const id = randomUUID();
  const secret = generateWebhookSecret();
  await new WebhookRepository(db, organizationId).create({
    id,
    url,
    events,
    secretEncrypted: secretBox.seal(secret, id),
  });
  return { id, secret };
}
