import { defineConnector } from '@leadsync/connector-sdk';
import {
  fastRegistry,
  simulatorSettings,
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connectors/testing';
import { syncs } from '@leadsync/db/schema';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFixture, csv, type Fixture } from '../testing/fixture.ts';

const HEADER = ['email', 'first_name'];
let batch = 0;
const rows = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => [`${prefix}${i}@example.com`, `P${i}`]);

describe('the mass-deletion guard', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  async function tenRows(deletionGuardPercent?: number) {
    const prefix = `b${batch++}-`;
    const list = await f.createList(`Guarded ${prefix}`);
    const connection = await f.createConnection('csv', {}, { csv: csv(HEADER, rows(10, prefix)) });
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
      deletionGuardPercent,
    });
    const first = await f.run(sync.id);
    expect(first.newLeads).toBe(10);
    return { list, connection, sync, prefix };
  }

  it('holds a listing that would delete more than half of the records, with a warning, until a person confirms', async () => {
    const { list, connection, sync, prefix } = await tenRows();
    await f.setSettings(connection.id, { csv: csv(HEADER, rows(4, prefix)) });
    const held = await f.run(sync.id);
    expect(held.status).toBe('succeeded');
    expect(held.deleted).toBe(0);
    expect(held.heldDeletions).toBe(6);
    expect(held.warning).toMatch(/6 of the 10 records.*50%.*confirm/);
    expect(await f.listEmails(list.id)).toHaveLength(10);

    // Not confirmed: the next run holds them again.
    const again = await f.run(sync.id);
    expect([again.deleted, again.heldDeletions]).toEqual([0, 6]);

    await f.db.update(syncs).set({ deletionsConfirmedAt: sql`now()` }).where(eq(syncs.id, sync.id));
    const confirmed = await f.run(sync.id);
    expect([confirmed.deleted, confirmed.heldDeletions, confirmed.warning]).toEqual([6, 0, null]);
    expect(await f.listEmails(list.id)).toHaveLength(4);
    const [after] = await f.db.select().from(syncs).where(eq(syncs.id, sync.id));
    expect(after?.deletionsConfirmedAt).toBeNull();
  });

  it('deletes a listing within the share at once, and the share is a setting of the sync', async () => {
    const within = await tenRows();
    await f.setSettings(within.connection.id, { csv: csv(HEADER, rows(6, within.prefix)) });
    const run = await f.run(within.sync.id);
    expect([run.deleted, run.heldDeletions, run.warning]).toEqual([4, 0, null]);

    const strict = await tenRows(30);
    await f.setSettings(strict.connection.id, { csv: csv(HEADER, rows(6, strict.prefix)) });
    const held = await f.run(strict.sync.id);
    expect([held.deleted, held.heldDeletions]).toEqual([0, 4]);
  });

  it('a preview shows the held deletions too, and writes nothing', async () => {
    const { list, connection, sync } = await tenRows();
    await f.setSettings(connection.id, { csv: csv(HEADER, []) });
    const preview = await f.run(sync.id, { dryRun: true });
    expect([preview.deleted, preview.heldDeletions]).toEqual([0, 10]);
    expect(await f.listEmails(list.id)).toHaveLength(10);
  });
});

/** A source whose paging never ends: empty pages for ever, in its read or in its id listing. */
const endless = defineConnector({
  id: 'endless',
  displayName: 'Endless',
  credentialsSchema: z.object({}),
  settingsSchema: z.object({ mode: z.enum(['read', 'list']) }),
  capabilities: { detectsDeletes: true },
  fields: async () => [{ key: 'email', label: 'Email', type: 'email', availability: 'list', custom: false }],
  check: async () => ({}),
  listOrganizations: async () => [{ id: 'o', name: 'O' }],
  async *read(ctx, request) {
    if (ctx.settings.mode === 'list') {
      if (!request.since) {
        yield {
          records: [
            { sourceId: '1', modifiedAt: '2026-01-01T00:00:00Z', fields: { email: 'one@example.com' } },
          ],
          checkpoint: { done: true },
        };
      }
      return;
    }
    for (let page = 0; ; page++) yield { records: [], checkpoint: { page } };
  },
  async *listIds() {
    for (;;) yield [];
  },
});

describe('a source answering endless empty pages', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture({
      registry: fastRegistry({}, [endless]),
      engine: { maxEmptyPages: 50 },
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  for (const mode of ['read', 'list'] as const) {
    it(`ends the run with a clear error (${mode === 'read' ? 'records' : 'id listing'})`, async () => {
      const list = await f.createList(`Endless ${mode}`);
      const connection = await f.createConnection('endless', {}, { mode });
      const sync = await f.createSync({
        connectionId: connection.id,
        mailingListId: list.id,
        sourceOrganizationId: 'o',
      });
      if (mode === 'list') expect((await f.run(sync.id)).status).toBe('succeeded');
      const run = await f.run(sync.id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/50 empty pages in a row/);
    });
  }
});

describe('Zoho Invoice answering endless empty pages (simulator fault)', () => {
  let f: Fixture;
  let sim: ZohoInvoiceSimulator;
  beforeAll(async () => {
    f = await createFixture({ registry: fastRegistry(), engine: { maxEmptyPages: 20 } });
    sim = await startZohoInvoiceSimulator({ seed: 3, contactsPerOrganization: 30, rateLimit: false });
  });
  afterAll(async () => {
    await sim?.close();
    await f?.close();
  });

  async function zohoSync(organization: number) {
    const orgId = sim.organizations[organization]!.organization_id;
    const list = await f.createList(`Zoho ${organization}`);
    const connection = await f.createConnection('zoho-invoice', sim.credentials, simulatorSettings(sim));
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: orgId,
      deletionCheckHours: 0, // every run lists the ids (the default period would skip the second run's listing)
    });
    expect((await f.run(sync.id)).status).toBe('succeeded');
    return { orgId, sync };
  }

  it('in the read: the run fails with a sentence, the records before are kept', async () => {
    const { sync } = await zohoSync(0);
    sim.injectFault({ type: 'emptyPage', path: '/contacts', count: 1_000_000 });
    try {
      const run = await f.run(sync.id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/20 empty pages in a row/);
    } finally {
      sim.clearFaults();
    }
  });

  it('in the id listing: the run fails instead of listing for ever', async () => {
    const { orgId, sync } = await zohoSync(1);
    sim.deleteContact(orgId, sim.contacts(orgId)[0]!.contact_id);
    try {
      const run = await f.run(sync.id, {
        execute: {
          // The read is done (one unit): from now on every list page is empty.
          heartbeat: async () => sim.injectFault({ type: 'emptyPage', path: '/contacts', count: 1_000_000 }),
        },
      });
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/20 empty pages in a row/);
    } finally {
      sim.clearFaults();
    }
  });
});
