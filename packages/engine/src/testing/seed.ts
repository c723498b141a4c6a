import {
  ConnectionRepository,
  createOrganization,
  type Executor,
  MailingListRepository,
  type SecretBox,
  SyncRepository,
} from '@leadsync/db';

// What a run needs in the database, for tests and benches (`@leadsync/engine/testing`): written through the db
// package's repositories, the credentials sealed as the API seals them.

/** Where a sync over a connector reads: the connector, its connection's credentials ({} by default) and settings. */
export interface SyncSource {
  connectorId: string;
  credentials?: unknown;
  settings: Record<string, unknown>;
  sourceOrganizationId: string;
}

/** A connection of the source's connector in the organization, its credentials sealed for its id. */
export async function createSealedConnection(
  db: Executor,
  secretBox: SecretBox,
  organizationId: string,
  source: Pick<SyncSource, 'connectorId' | 'credentials' | 'settings'>,
  name = `${source.connectorId} connection`,
) {
  const repository = new ConnectionRepository(db, organizationId);
  const { id } = await repository.create({
    connectorId: source.connectorId,
    name,
    credentialsEncrypted: '-',
    settings: source.settings,
  });
  const sealed = await repository.update(id, {
    credentialsEncrypted: secretBox.sealJson(source.credentials ?? {}, id),
  });
  return sealed!;
}

/**
 * A new organization (`name`) with a mailing list, a connection to `source` and an active sync of every record
 * (`mapping`, a daily schedule) into the list.
 */
export async function seedSync(args: {
  db: Executor;
  secretBox: SecretBox;
  source: SyncSource;
  mapping: readonly { source: string; target: string }[];
  name: string;
}) {
  const { db, secretBox, source, name } = args;
  const organization = await createOrganization(db, name);
  const list = await new MailingListRepository(db, organization.id).create(`${name} list`);
  const connection = await createSealedConnection(db, secretBox, organization.id, source, 'Simulator');
  const syncs = new SyncRepository(db, organization.id);
  const draft = await syncs.create({
    connectionId: connection.id,
    mailingListId: list.id,
    sourceOrganizationId: source.sourceOrganizationId,
    name: `${name} sync`,
    importMode: 'all',
    fieldMapping: [...args.mapping],
    schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
  });
  const sync = (await syncs.activate(draft.id))!;
  return { organization, list, connection, sync };
}
