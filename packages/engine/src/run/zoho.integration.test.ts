import { startZohoInvoiceSimulator } from '@leadsync/connectors/testing';
import { connections, leads, runRecords, syncs } from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSucceeded } from '../testing/fixture.ts';
import {
  createZohoInvoiceFixture,
  csvSource,
  type ZohoInvoiceFixture,
  zohoInvoiceSource,
} from '../testing/sources.ts';

describe('a Zoho Invoice sync against the simulator', () => {
  let f: ZohoInvoiceFixture;
  beforeAll(async () => {
    f = await createZohoInvoiceFixture({ seed: 7, contactsPerOrganization: 300 });
  });
  afterAll(() => f?.close());

  it('imports, re-runs without new leads, turns a deleted contact into deleted and its return into re_added', async () => {
    const orgId = f.sim.organizations[0]!.organization_id;
    const { list, sync } = await f.createSyncOver(zohoInvoiceSource(f.sim));

    const first = await f.run(sync.id);
    assertSucceeded(first);
    expect(first.total).toBe(300);
    expect(first.newLeads).toBeGreaterThan(200);
    const leadsAfterFirst = await f.leadsByEmail();

    const second = await f.run(sync.id);
    assertSucceeded(second);
    expect(second.newLeads).toBe(0);
    expect(second.reAdded).toBe(0);
    expect(await f.leadsByEmail()).toEqual(leadsAfterFirst);

    // Delete a contact that was imported as a new lead.
    const [imported] = await f.db
      .select()
      .from(runRecords)
      .where(and(eq(runRecords.runId, first.id), eq(runRecords.outcome, 'new')))
      .limit(1);
    const contact = f.sim.contacts(orgId).find((c) => c.contact_id === imported!.sourceId)!;
    f.sim.deleteContact(orgId, contact.contact_id);
    // The last full listing is recent (the sync's deletion period, 24 h by default): this run does not look, and says so.
    const listings = () =>
      f.sim.requests.filter((r) => r.path.endsWith('/contacts') && !r.query.last_modified_time);
    const listedBefore = listings().length;
    const notLooked = await f.run(sync.id);
    expect(notLooked.status).toBe('succeeded');
    expect(notLooked.deletionsChecked).toBe(false);
    expect(notLooked.deleted).toBe(0);
    expect(listings().length).toBe(listedBefore);
    // A day later it looks.
    await f.db
      .update(syncs)
      .set({ deletionsCheckedAt: new Date(Date.now() - 25 * 3_600_000) })
      .where(eq(syncs.id, sync.id));
    const third = await f.run(sync.id);
    expect(third.status).toBe('succeeded');
    expect(third.deletionsChecked).toBe(true);
    expect(third.deleted).toBe(1);
    expect(third.newLeads).toBe(0);
    expect(await f.listEmails(list.id)).not.toContain(imported!.email);
    expect((await f.leadsByEmail())[imported!.email!]?.status).toBe('deleted');

    f.sim.addContacts(orgId, [
      {
        contact_name: 'Back again',
        first_name: contact.first_name,
        last_name: contact.last_name,
        email: contact.email,
      },
    ]);
    const fourth = await f.run(sync.id);
    expect(fourth.status).toBe('succeeded');
    expect(fourth.reAdded).toBe(1);
    expect(fourth.deleted).toBe(0);
    expect(await f.listEmails(list.id)).toContain(imported!.email);
    expect((await f.leadsByEmail())[imported!.email!]?.status).toBe('active');
  }, 120_000);

  it('reads every contact, inactive ones too (filter_by=Status.All), unless the sync asks for active contacts only', async () => {
    const own = await startZohoInvoiceSimulator({ seed: 9, contactsPerOrganization: 0, rateLimit: false });
    try {
      const orgId = own.organizations[0]!.organization_id;
      own.addContacts(
        orgId,
        Array.from({ length: 40 }, (_, i) => ({
          first_name: `A${i}`,
          email: `active-${i}@example.com`,
          status: i % 4 === 0 ? ('inactive' as const) : ('active' as const),
        })),
      );
      const syncWith = async (activeRecordsOnly: boolean) =>
        (await f.createSyncOver(zohoInvoiceSource(own), { deletionCheckHours: 0, activeRecordsOnly })).sync;
      const filters = () =>
        new Set(own.requests.filter((r) => r.path.endsWith('/contacts')).map((r) => r.query.filter_by));

      const every = await f.run((await syncWith(false)).id);
      expect(every.status, every.error ?? '').toBe('succeeded');
      expect(every.total).toBe(40);
      expect(filters()).toEqual(new Set(['Status.All']));

      own.clearRequests();
      const activeSync = await syncWith(true);
      const active = await f.run(activeSync.id);
      expect(active.status, active.error ?? '').toBe('succeeded');
      expect(active.total).toBe(30);
      // The deletion listing reads what the read reads: the inactive contacts are not taken for deleted ones.
      const again = await f.run(activeSync.id);
      expect(again.deletionsChecked).toBe(true);
      expect(again.deleted).toBe(0);
      expect(filters()).toEqual(new Set(['Status.Active']));
    } finally {
      await own.close();
    }
  });

  it('a rotated key fails the run cleanly, the connection needs a new key and all its syncs go inactive', async () => {
    const { list, connection, sync: a } = await f.createSyncOver(zohoInvoiceSource(f.sim, 1));
    const b = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: a.sourceOrganizationId,
    });
    const { sync: unrelated } = await f.createSyncOver(csvSource({ csv: 'email\nx@example.com' }));
    const ok = await f.run(a.id);
    expect(ok.status, ok.error ?? '').toBe('succeeded');
    const leadCount = (await f.db.select().from(leads)).length;

    f.sim.rotateKey();
    const failed = await f.run(a.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/account key/);
    expect(failed.error).not.toContain(f.sim.credentials.refreshToken);
    expect(failed.finishedAt).toBeInstanceOf(Date);
    const [conn] = await f.db.select().from(connections).where(eq(connections.id, connection.id));
    expect(conn?.status).toBe('needs_new_key');
    const statuses = await f.db.select().from(syncs).where(eq(syncs.connectionId, connection.id));
    expect(statuses.map((s) => [s.status, s.inactiveReason])).toEqual([
      ['inactive', 'credentials_changed'],
      ['inactive', 'credentials_changed'],
    ]);
    const [other] = await f.db.select().from(syncs).where(eq(syncs.id, unrelated.id));
    expect(other?.status).toBe('active');
    expect((await f.db.select().from(leads)).length).toBe(leadCount);

    // The other sync of the connection does not even reach the source now.
    const refused = await f.run(b.id);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/new account key/);
  });
});
