import { defineConnector } from '@leadsync/connector-sdk';
import { fastRegistry } from '@leadsync/connectors/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFixture, type Fixture } from '../testing/fixture.ts';

/** Ids listed in all: more than one chunk of the listing table (deletions.ts), mostly ids no record has. */
const LISTED = 45_000;
const CHUNK = 1_000;

/** What the listing saw of the engine's database while it was being read. */
const seen: { insertsInTransaction: boolean[] } = { insertsInTransaction: [] };
let probe: Fixture | undefined;

/** A source of three records (two after the first run) whose id listing is long and cheap (no requests). */
const longListing = defineConnector({
  id: 'long-listing',
  displayName: 'Long listing',
  credentialsSchema: z.object({}),
  settingsSchema: z.object({ records: z.number() }),
  capabilities: { detectsDeletes: true },
  fields: async () => [{ key: 'email', label: 'Email', type: 'email', availability: 'list', custom: false }],
  check: async () => ({}),
  listOrganizations: async () => [{ id: 'o', name: 'O' }],
  async *read(ctx) {
    const records = Array.from({ length: ctx.settings.records }, (_, i) => ({
      sourceId: `r${i}`,
      fields: { email: `listed${i}@example.com` },
    }));
    yield { records, checkpoint: { done: true } };
  },
  async *listIds(ctx) {
    const real = Array.from({ length: ctx.settings.records }, (_, i) => `r${i}`);
    for (let at = 0; at < LISTED; at += CHUNK) {
      if (at === 30 * CHUNK) {
        // Well past the first chunk of the table: has the engine written the ids listed so far (in its
        // transaction), or is it holding them?
        const [row] = await probe!.db.execute<{ n: number }>(sql`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'idle in transaction' and query like '%listed_ids%'`);
        seen.insertsInTransaction.push((row?.n ?? 0) > 0);
      }
      yield at === 0 ? real : Array.from({ length: CHUNK }, (_, i) => `absent-${at + i}`);
    }
  },
});

describe('the id listing of a source whose listing costs no requests', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture({ registry: fastRegistry({}, [longListing]) });
    probe = f;
  });
  afterAll(async () => {
    await f?.close();
  });

  it('goes into the database as it is read, not held by the engine, and finds the deletions', async () => {
    const list = await f.createList('Long listing');
    const connection = await f.createConnection('long-listing', {}, { records: 3 });
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'o',
    });
    expect((await f.run(sync.id)).newLeads).toBe(3);

    await f.setSettings(connection.id, { records: 2 });
    const run = await f.run(sync.id);
    expect(run.status).toBe('succeeded');
    expect(run.deleted).toBe(1);
    expect(await f.listEmails(list.id)).toEqual(['listed0@example.com', 'listed1@example.com']);
    expect(seen.insertsInTransaction).toEqual([true]);
  });
});
