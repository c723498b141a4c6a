// Small factories for this package's integration tests (not exported from the package).
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from './client.ts';
import { ConnectionRepository } from './repositories/connections.ts';
import { MailingListRepository } from './repositories/mailing-lists.ts';
import { createOrganization } from './repositories/organizations.ts';
import { SyncRepository } from './repositories/syncs.ts';
import * as schema from './schema/index.ts';

export interface TestContext {
  db: Database;
  /** Statements sent so far (to prove that an operation is one query). */
  queries: string[];
  url: string;
}

/** A fresh database for this test file, with a drizzle client that records every statement it sends. */
export function useTestDatabase(): TestContext {
  const context = { queries: [] as string[] } as TestContext;
  let tdb: TestDatabase;
  let sql: postgres.Sql;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    sql = postgres(tdb.url, {
      max: 4,
      onnotice: () => {},
      debug: (_connection, query) => context.queries.push(query),
    });
    context.db = drizzle({ client: sql, schema, casing: 'snake_case' });
    context.url = tdb.url;
  });
  afterAll(async () => {
    await sql.end();
    await tdb.drop();
  });
  return context;
}

/** Counts the statements `fn` sends. */
export async function countQueries<T>(
  context: TestContext,
  fn: () => Promise<T>,
): Promise<{ result: T; queries: number }> {
  const before = context.queries.length;
  const result = await fn();
  return { result, queries: context.queries.length - before };
}

let counter = 0;

/** An organization with a connection, a mailing list and a draft sync. */
export async function seedOrganization(db: Database, name = `Org ${++counter}`) {
  const organization = await createOrganization(db, name);
  const connection = await new ConnectionRepository(db, organization.id).create({
    connectorId: 'csv',
    name: 'Spreadsheet',
    credentialsEncrypted: 'sealed:opaque',
    maskedKey: '…abcd',
  });
  const mailingList = await new MailingListRepository(db, organization.id).create('Customers');
  const sync = await new SyncRepository(db, organization.id).create(syncInput(connection.id, mailingList.id));
  return { organization, connection, mailingList, sync };
}

export function syncInput(connectionId: string, mailingListId: string) {
  return {
    connectionId,
    mailingListId,
    name: 'Customers from the file',
    sourceOrganizationId: 'file',
    importMode: 'all' as const,
    fieldMapping: [{ source: 'email', target: 'email' }],
    schedule: { frequency: 'DAILY' as const, time: '09:00', timeZone: 'Europe/Paris' },
  };
}
