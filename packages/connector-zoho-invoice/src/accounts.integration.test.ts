import { MissingPermissionError, SourceUnavailableError } from '@leadsync/connector-sdk';
import { describe, expect, it } from 'vitest';
import { createZohoInvoiceConnector } from './connector.ts';
import { generateContacts } from './simulator/index.ts';
import { contextFor, FAST, sourceIds as ids, listCalls, readAll, simulators } from './test-helpers.ts';

/** Issue 18: what a real Zoho account does that the happy path does not show. */
const ORG = { organization_id: '72000000001', name: 'Accounts', time_zone: 'Asia/Kolkata' };
const sim = simulators({ organizations: [ORG], rateLimit: false, contactsPerOrganization: 0 });
const connector = createZohoInvoiceConnector(FAST);

function timed(n: number, base = Date.UTC(2026, 5, 1)) {
  // Ties: two contacts per second, so equal times fall across page boundaries.
  return Array.from({ length: n }, (_, i) => ({
    first_name: `P${i}`,
    email: `p${i}@example.com`,
    last_modified_time: new Date(base + Math.floor(i / 2) * 1000).toISOString(),
  }));
}

describe('reads that survive the real API', () => {
  it('sends filter_by=Status.All (inactive contacts are read), or Status.Active when a sync asks for active ones only', async () => {
    const s = await sim();
    const [active, inactive] = s.addContacts(ORG.organization_id, [
      { email: 'a@example.com' },
      { email: 'b@example.com', status: 'inactive' },
    ]);
    const all = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id });
    expect(ids(all).sort()).toEqual([active!.contact_id, inactive!.contact_id].sort());
    expect(listCalls(s).every((r) => r.query.filter_by === 'Status.All')).toBe(true);
    const onlyActive = await readAll(connector, contextFor(s, { activeContactsOnly: true }), {
      organizationId: ORG.organization_id,
    });
    expect(ids(onlyActive)).toEqual([active!.contact_id]);
  });

  it.each(['refused', 'ignored'] as const)(
    'an incremental read survives a %s last_modified_time filter: newest first, down to `since`, ties across pages, each once',
    async (mode) => {
      const s = await sim({ lastModifiedTimeFilter: mode });
      const contacts = s.addContacts(ORG.organization_id, timed(700));
      const since = new Date(Date.UTC(2026, 5, 1) + 100 * 1000); // contacts 200.. (ties at every second)
      const pages = await readAll(connector, contextFor(s), {
        organizationId: ORG.organization_id,
        since,
        pageSize: 199, // odd, so that pairs of equal times straddle page boundaries
      });
      const read = ids(pages);
      expect(new Set(read).size).toBe(read.length);
      expect(new Set(read)).toEqual(new Set(contacts.slice(200).map((c) => c.contact_id)));
      // It stopped at the mark: the oldest 200 contacts' pages were not all listed.
      expect(listCalls(s).length).toBeLessThanOrEqual(mode === 'refused' ? 5 : 6);
      if (mode === 'refused') {
        expect(listCalls(s)[0]?.status).toBe(400);
        // Remembered for the account: the next read goes top down at once.
        s.clearRequests();
        await readAll(connector, contextFor(s), { organizationId: ORG.organization_id, since });
        expect(listCalls(s).every((r) => r.status === 200 && !r.query.last_modified_time)).toBe(true);
      }
    },
  );

  it('a resumed top-down read delivers no contact twice and misses none', async () => {
    const s = await sim({ lastModifiedTimeFilter: 'refused' });
    const contacts = s.addContacts(ORG.organization_id, timed(900));
    const since = new Date(Date.UTC(2026, 5, 1));
    const first: string[] = [];
    let checkpoint: Record<string, unknown> | undefined;
    let n = 0;
    for await (const page of connector.read(contextFor(s), { organizationId: ORG.organization_id, since })) {
      first.push(...page.records.map((r) => r.sourceId));
      checkpoint = page.checkpoint;
      if (++n === 2) break;
    }
    const rest = ids(
      await readAll(connector, contextFor(s), { organizationId: ORG.organization_id, since, checkpoint }),
    );
    const all = [...first, ...rest];
    expect(all).toHaveLength(900);
    expect(new Set(all)).toEqual(new Set(contacts.map((c) => c.contact_id)));
  });

  it('a page cap ends a source that never stops saying has_more_page', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(5, 30));
    const capped = createZohoInvoiceConnector({ ...FAST, maxPages: 3 });
    const error = await readAll(capped, contextFor(s), {
      organizationId: ORG.organization_id,
      pageSize: 5,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as SourceUnavailableError).userMessage).toContain(
      'kept announcing more contacts after 3 pages',
    );
  });
});

describe('errors a person can act on', () => {
  it('a missing scope (401 code 57 with a fresh token) is MissingPermissionError naming both scopes, not a refused key', async () => {
    const s = await sim({ scopes: ['ZohoInvoice.settings.READ'] });
    const error = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingPermissionError);
    expect((error as MissingPermissionError).userMessage).toContain(
      'ZohoInvoice.contacts.READ and ZohoInvoice.settings.READ are needed',
    );
  });

  it('calls the API at the api_domain of the token answer when the settings do not fix the API address', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    // Only the accounts server is given: the data center's API host (www.zohoapis.com) is never asked.
    const ctx = contextFor(s);
    const settings = { ...ctx.settings, apiUrl: undefined };
    const pages = await readAll(connector, { ...ctx, settings }, { organizationId: ORG.organization_id });
    expect(ids(pages)).toHaveLength(1);
    expect(listCalls(s)).toHaveLength(1);
  });
});
