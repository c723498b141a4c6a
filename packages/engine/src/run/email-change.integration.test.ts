import { runRecords } from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSucceeded } from '../testing/fixture.ts';
import { createZohoInvoiceFixture, type ZohoInvoiceFixture, zohoInvoiceSource } from '../testing/sources.ts';

/**
 * A Zoho contact keeps its id when its email changes. The old address's lead, put on the list by this sync, leaves
 * it with a `deleted` record instead of staying there untracked (issue 17).
 */
describe("a contact's email changing at the source", () => {
  let f: ZohoInvoiceFixture;
  beforeAll(async () => {
    f = await createZohoInvoiceFixture({ seed: 11, contactsPerOrganization: 0 });
  });
  afterAll(() => f?.close());

  it('takes the old address off the list as deleted, and undo puts it back', async () => {
    const orgId = f.sim.organizations[0]!.organization_id;
    const [ann, bob] = f.sim.addContacts(orgId, [
      { contact_name: 'Ann', first_name: 'Ann', email: 'ann@old.example.com' },
      { contact_name: 'Bob', first_name: 'Bob', email: 'bob@example.com' },
    ]);
    const { list, sync } = await f.createSyncOver(zohoInvoiceSource(f.sim));
    const first = await f.run(sync.id);
    expect(first.newLeads).toBe(2);

    f.sim.updateContact(orgId, ann!.contact_id, { email: 'ann@new.example.com' });
    const second = await f.run(sync.id);
    assertSucceeded(second);
    expect([second.newLeads, second.deleted]).toEqual([1, 1]);
    const deleted = await f.db
      .select()
      .from(runRecords)
      .where(and(eq(runRecords.runId, second.id), eq(runRecords.outcome, 'deleted')));
    expect(deleted.map((r) => [r.sourceId, r.email])).toEqual([[ann!.contact_id, 'ann@old.example.com']]);
    expect(await f.listEmails(list.id)).toEqual(['ann@new.example.com', 'bob@example.com']);
    expect((await f.leadsByEmail())['ann@old.example.com']?.status).toBe('deleted');

    // Nothing left untracked: a later deletion of the contact removes the new address, and only it.
    const undone = await f.engine.undoRun(f.org.id, second.id);
    expect(undone.undoReport?.kept).toEqual({});
    expect(await f.listEmails(list.id)).toEqual(['ann@old.example.com', 'bob@example.com']);
    expect((await f.leadsByEmail())['ann@old.example.com']?.status).toBe('active');
    const again = await f.run(sync.id);
    expect([again.newLeads, again.deleted]).toEqual([1, 1]);
    expect(await f.listEmails(list.id)).toEqual(['ann@new.example.com', 'bob@example.com']);

    // An address emptied or made unusable at the source is a change too: the old one leaves, nothing stays tracked.
    f.sim.updateContact(orgId, bob!.contact_id, { email: 'not an address' });
    const emptied = await f.run(sync.id);
    expect(emptied.deleted).toBe(1);
    expect(emptied.invalidPattern).toBe(1);
    expect(await f.listEmails(list.id)).toEqual(['ann@new.example.com']);
    f.sim.updateContact(orgId, bob!.contact_id, { email: 'bob@example.com' });
    const back = await f.run(sync.id);
    expect([back.reAdded, back.deleted]).toEqual([1, 0]);
    expect(await f.listEmails(list.id)).toEqual(['ann@new.example.com', 'bob@example.com']);
  });
});
