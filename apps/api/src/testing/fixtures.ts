import type { Json } from './harness.ts';

/**
 * What the API's tests create again and again through GraphQL, in one home: a mailing list, a CSV connection and a
 * sync of it. Each takes the caller's way of sending an operation (the test harness's key, another organization's,
 * or a whole `pnpm start`), so the same steps serve every test.
 */

/** Sends an operation and gives the data of an answer without errors (it throws otherwise). */
export type GraphQLData = (query: string, variables?: Record<string, unknown>) => Promise<Json>;

/** The mapping most tests need: the source's `email` column is the lead's address. */
export const EMAIL_MAPPING = [{ source: 'email', target: 'email' }];
export const DAILY_SCHEDULE = { frequency: 'DAILY', time: '04:00', timeZone: 'Europe/Paris' };

/** A `CreateSyncInput`: unless given, an import of everything in a file, email to email, daily. */
export function syncInput(input: {
  name: string;
  connectionId: string;
  mailingListId: string;
  [field: string]: unknown;
}): Record<string, unknown> {
  return {
    sourceOrganizationId: 'file',
    importMode: 'ALL',
    fieldMapping: EMAIL_MAPPING,
    schedule: DAILY_SCHEDULE,
    ...input,
  };
}

export async function createMailingList(gql: GraphQLData, name: string): Promise<string> {
  return (await gql(`mutation($n: String!) { createMailingList(name: $n) { id } }`, { n: name }))
    .createMailingList.id;
}

/** A CSV connection holding `csv` (its settings, no upload). */
export async function createCsvConnection(gql: GraphQLData, name: string, csv: string): Promise<string> {
  return (
    await gql(`mutation($i: CreateConnectionInput!) { createConnection(input: $i) { id } }`, {
      i: { connector: 'csv', name, credentials: {}, settings: { csv } },
    })
  ).createConnection.id;
}

/**
 * A mailing list, a CSV connection holding `csv` and a DRAFT sync of it into the list (named `<name> list` and
 * `<name> file` unless said); `sync` may set any other field of the sync's input.
 */
export async function createCsvSync(
  gql: GraphQLData,
  options: {
    name: string;
    csv: string;
    listName?: string;
    connectionName?: string;
    sync?: Record<string, unknown>;
  },
): Promise<{ sync: string; connection: string; list: string }> {
  const list = await createMailingList(gql, options.listName ?? `${options.name} list`);
  const connection = await createCsvConnection(
    gql,
    options.connectionName ?? `${options.name} file`,
    options.csv,
  );
  const input = syncInput({
    name: options.name,
    connectionId: connection,
    mailingListId: list,
    ...options.sync,
  });
  const sync = (await gql(`mutation($i: CreateSyncInput!) { createSync(input: $i) { id } }`, { i: input }))
    .createSync.id;
  return { sync, connection, list };
}
