import { defineConnector, type SourceRecord } from '@leadsync/connector-sdk';
import { fastRegistry } from '@leadsync/connectors/testing';
import { leads, sourceRecords } from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertSucceeded, createFixture, type Fixture, totals } from '../testing/fixture.ts';

const PAGE = 500;
const PAGES = 6; // three write units of 1,000 records
/** Where the source sends the same record again, each time with another address. */
const REPEATS = new Map([
  [10, 'same1@example.com'],
  [1010, 'same2@example.com'],
  [2010, 'same3@example.com'],
]);

/**
 * A source that sends one record (`same`) in each of three write units: in the second while the first is being
 * written (not committed when the second is looked up), in the third once the first has committed.
 */
const repeatingConnector = defineConnector({
  id: 'repeating',
  displayName: 'Repeating test source',
  credentialsSchema: z.object({}),
  settingsSchema: z.object({}),
  capabilities: { detectsDeletes: false },
  async fields() {
    return [];
  },
  async check() {
    return { accountName: 'test' };
  },
  async listOrganizations() {
    return [{ id: 'one', name: 'One' }];
  },
  async *read() {
    for (let page = 0; page < PAGES; page++) {
      const records: SourceRecord[] = [];
      for (let i = page * PAGE; i < (page + 1) * PAGE; i++) {
        const repeat = REPEATS.get(i);
        records.push({
          sourceId: repeat ? 'same' : `r${i}`,
          fields: { email: repeat ?? `p${i}@example.com`, first_name: 'P', last_name: String(i) },
        });
      }
      yield { records, checkpoint: { page: page + 1 } };
    }
  },
});

describe('source records of a record the source sends more than once in a run', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture({ registry: fastRegistry({}, [repeatingConnector]) });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('are written once, with what the source sent last', async () => {
    const list = await f.createList('List');
    const connection = await f.createConnection('repeating', {}, {});
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'one',
    });

    const run = await f.run(sync.id);
    assertSucceeded(run);
    expect(totals(run)).toMatchObject({ total: PAGE * PAGES, newLeads: PAGE * PAGES, ignored: 0 });

    const rows = await f.db.select().from(sourceRecords).where(eq(sourceRecords.syncId, sync.id));
    expect(rows).toHaveLength(PAGE * PAGES - (REPEATS.size - 1));
    const same = rows.find((row) => row.sourceId === 'same');
    const [lead] = await f.db
      .select()
      .from(leads)
      .where(and(eq(leads.organizationId, f.org.id), eq(leads.email, 'same3@example.com')));
    expect(same).toMatchObject({ email: 'same3@example.com', leadId: lead!.id, lastSeenRunId: run.id });
  });
});
