import { runRecords } from '@leadsync/db/schema';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSucceeded } from '../testing/fixture.ts';
import { createZohoInvoiceFixture, type ZohoInvoiceFixture, zohoInvoiceSource } from '../testing/sources.ts';

/**
 * Text PostgreSQL refuses (a NUL in text or jsonb, an unpaired surrogate escaped in jsonb) in a contact's email or
 * mapped fields: the record gets an outcome, the unit is written, the run succeeds, and so does the next one (before,
 * every run failed again from the same high-water mark).
 */
/** No unpaired surrogate (encodeURIComponent throws on one). */
function wellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

describe('text PostgreSQL cannot store, in a Zoho contact', () => {
  let f: ZohoInvoiceFixture;
  beforeAll(async () => {
    f = await createZohoInvoiceFixture({ seed: 3, contactsPerOrganization: 0 });
  });
  afterAll(() => f?.close());

  it('a bad email is invalid_pattern, bad fields are cleaned and counted, the run and the next one succeed', async () => {
    const orgId = f.sim.organizations[0]!.organization_id;
    f.sim.addContacts(orgId, [
      { contact_name: 'Nul mail', first_name: 'Nul', email: 'nul\u0000mail@example.com' },
      { contact_name: 'Surrogate mail', first_name: 'Sur', email: 'sur\ud800@example.com' },
      { contact_name: 'Low surrogate domain', first_name: 'Low', email: 'low@exa\udc00mple.com' },
      {
        contact_name: 'Dirty fields',
        first_name: 'Da\u0000na',
        last_name: '\udc00Lee',
        email: 'dana@example.com',
        custom_fields: [{ label: 'Note', value: 'likes \ud83d tea\u0000' }],
      },
      { contact_name: 'Clean', first_name: 'Eve', last_name: 'Clean', email: 'eve@example.com' },
    ]);
    const { sync } = await f.createSyncOver(zohoInvoiceSource(f.sim), {
      fieldMapping: [
        { source: 'email', target: 'email' },
        { source: 'first_name', target: 'firstName' },
        { source: 'last_name', target: 'lastName' },
        { source: 'cf_note', target: 'fields.note' },
      ],
    });

    const first = await f.run(sync.id);
    assertSucceeded(first);
    expect(first.total).toBe(5);
    expect(first.newLeads).toBe(2);
    expect(first.invalidPattern).toBe(3);
    // Dana's first name, last name and note.
    expect(first.cleanedFields).toBe(3);

    const records = await f.db
      .select()
      .from(runRecords)
      .where(eq(runRecords.runId, first.id))
      .orderBy(asc(runRecords.seq));
    const byOutcome = records.map((r) => [r.outcome, r.reason]);
    expect(byOutcome.filter(([o]) => o === 'ignored')).toEqual([
      ['ignored', 'invalid_pattern'],
      ['ignored', 'invalid_pattern'],
      ['ignored', 'invalid_pattern'],
    ]);
    for (const record of records) {
      expect(record.email ?? '').not.toContain('\u0000');
      expect(wellFormed(record.email ?? '')).toBe(true);
    }
    const leads = await f.leadsByEmail();
    expect(leads['dana@example.com']).toMatchObject({
      status: 'active',
      firstName: 'Dana',
      lastName: '\ufffdLee',
      fields: { note: 'likes \ufffd tea' },
    });
    expect(leads['eve@example.com']?.firstName).toBe('Eve');

    const second = await f.run(sync.id);
    expect(second.status, second.error ?? '').toBe('succeeded');
    expect(second.newLeads).toBe(0);
  });
});
