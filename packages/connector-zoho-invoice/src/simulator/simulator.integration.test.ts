import { mintToken } from '@leadsync/zoho-accounts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateContacts } from './generator.ts';
import { startZohoInvoiceSimulator } from './server.ts';
import type { ZohoInvoiceSimulator } from './types.ts';

// One test per documented fact (F1…F20 in the package README) that the simulator reproduces.

const ZOHO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/;
let sim: ZohoInvoiceSimulator;
let org: string;
let token: string;

async function api(path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const url = new URL(`${sim.apiUrl}${path}`);
  for (const [k, v] of Object.entries({ organization_id: org, ...query }))
    if (v !== '') url.searchParams.set(k, v);
  const response = await fetch(url, { headers: { Authorization: `Zoho-oauthtoken ${token}`, ...headers } });
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON under test.
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

beforeAll(async () => {
  sim = await startZohoInvoiceSimulator({ seed: 5, contactsPerOrganization: 450, rateLimit: false });
  org = sim.organizations[0]!.organization_id;
  token = String((await mintToken(sim)).body.access_token);
});
afterAll(() => sim.close());

describe('Zoho Invoice simulator: documented facts', () => {
  it('F2 takes the organization id as a header or as the organization_id parameter', async () => {
    const byQuery = await api('/contacts', { per_page: '1' });
    const byHeader = await api(
      '/contacts',
      { organization_id: '', per_page: '1' },
      { 'X-com-zoho-invoice-organizationid': org },
    );
    expect(byQuery.status).toBe(200);
    expect(byHeader.status).toBe(200);
    expect(byHeader.body.contacts).toEqual(byQuery.body.contacts);
  });

  it('F3 a refresh gives an access token for about an hour, and no new refresh token', async () => {
    const { status, body } = await mintToken(sim);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^1000\./),
      expires_in: 3600,
      api_domain: expect.stringMatching(/^http:\/\//),
      token_type: 'Bearer',
    });
  });

  it('F4 a refused refresh token is HTTP 200 {"error":"invalid_code"}; a wrong client is invalid_client', async () => {
    expect(await mintToken(sim, { refresh_token: '1000.nope.nope' })).toEqual({
      status: 200,
      body: { error: 'invalid_code' },
    });
    expect(await mintToken(sim, { client_secret: 'wrong' })).toEqual({
      status: 200,
      body: { error: 'invalid_client' },
    });
  });

  it('F5 one refresh token mints at most 10 access tokens in 10 minutes, then HTTP 400 Access Denied', async () => {
    const s = await startZohoInvoiceSimulator({ contactsPerOrganization: 0 });
    try {
      for (let i = 0; i < 10; i++) expect((await mintToken(s)).status).toBe(200);
      expect(await mintToken(s)).toEqual({
        status: 400,
        body: {
          error: 'Access Denied',
          error_description: expect.stringContaining('too many requests'),
          status: 'failure',
        },
      });
    } finally {
      await s.close();
    }
  });

  it('F6 a missing, expired or rotated access token is HTTP 401 {code: 57}', async () => {
    const s = await startZohoInvoiceSimulator({ contactsPerOrganization: 0, accessTokenLifetimeSeconds: 1 });
    try {
      const orgId = s.organizations[0]!.organization_id;
      const call = (t?: string) =>
        fetch(
          `${s.apiUrl}/contacts?organization_id=${orgId}`,
          t ? { headers: { Authorization: `Zoho-oauthtoken ${t}` } } : {},
        );
      const none = await call();
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({
        code: 57,
        message: 'You are not authorized to perform this operation',
      });
      const t1 = String((await mintToken(s)).body.access_token);
      expect((await call(t1)).status).toBe(200);
      expect(
        (
          await fetch(`${s.apiUrl}/contacts?organization_id=${orgId}`, {
            headers: { Authorization: `Bearer ${t1}` },
          })
        ).status,
      ).toBe(401);
      await new Promise((r) => setTimeout(r, 1_050));
      expect((await call(t1)).status).toBe(401);
      const t2 = String((await mintToken(s)).body.access_token);
      const old = s.credentials.refreshToken;
      s.rotateKey();
      expect((await call(t2)).status).toBe(401);
      expect((await mintToken(s, { refresh_token: old })).body).toEqual({ error: 'invalid_code' });
      expect((await mintToken(s)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('F7 GET /organizations needs no organization id and gives string ids', async () => {
    const { status, body } = await api('/organizations', { organization_id: '' });
    expect(status).toBe(200);
    expect(body.code).toBe(0);
    expect(body.organizations.map((o: { organization_id: unknown }) => typeof o.organization_id)).toEqual([
      'string',
      'string',
    ]);
    expect(body.organizations.filter((o: { is_default_org: boolean }) => o.is_default_org)).toHaveLength(1);
  });

  it('F8 lists contacts in pages of at most 200 with page_context and no total; default sort contact_name A', async () => {
    const first = await api('/contacts');
    expect(first.body.contacts).toHaveLength(200);
    expect(first.body.page_context).toEqual({
      page: 1,
      per_page: 200,
      has_more_page: true,
      report_name: 'Contacts',
      applied_filter: 'Status.Customers',
      custom_fields: [],
      sort_column: 'contact_name',
      sort_order: 'A',
    });
    const names = first.body.contacts.map((c: { contact_name: string }) => c.contact_name.toLowerCase());
    expect(names).toEqual([...names].sort());
    const last = await api('/contacts', { page: '3', per_page: '500' });
    expect(last.body.page_context).toMatchObject({ page: 3, per_page: 200, has_more_page: false });
    expect(last.body.contacts).toHaveLength(50);
    const byTime = await api('/contacts', {
      sort_column: 'last_modified_time',
      sort_order: 'D',
      per_page: '50',
    });
    const times = byTime.body.contacts.map((c: { last_modified_time: string }) =>
      Date.parse(c.last_modified_time.replace(/(\d{2})(\d{2})$/, '$1:$2')),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await api('/contacts', { sort_column: 'nonsense' })).body).toEqual({
      code: 2,
      message: 'Invalid value passed for sort_column',
    });
  });

  it('F9 list rows carry string ids, the primary person, custom fields and times, but no addresses', async () => {
    const { body } = await api('/contacts', { per_page: '20' });
    for (const row of body.contacts) {
      expect(typeof row.contact_id).toBe('string');
      for (const key of [
        'contact_name',
        'company_name',
        'first_name',
        'last_name',
        'email',
        'phone',
        'status',
        'contact_type',
      ])
        expect(typeof row[key]).toBe('string');
      expect(Array.isArray(row.custom_fields)).toBe(true);
      expect(typeof row.custom_field_hash).toBe('object');
      expect(row).not.toHaveProperty('billing_address');
      expect(row).not.toHaveProperty('shipping_address');
      expect(row).not.toHaveProperty('contact_persons');
    }
  });

  it('F10 times are ISO 8601 with an offset without a colon, in the organization time zone', async () => {
    const { body } = await api('/contacts', { per_page: '5' });
    for (const row of body.contacts) {
      expect(row.created_time).toMatch(ZOHO_TIME);
      expect(row.last_modified_time).toMatch(ZOHO_TIME);
      expect(row.last_modified_time).toMatch(/-0[45]00$/); // America/New_York
    }
  });

  it('F11 last_modified_time filters to contacts modified at or after it (inclusive)', async () => {
    const all = (await api('/contacts', { sort_column: 'last_modified_time', per_page: '200' })).body
      .contacts;
    const pivot = all[120].last_modified_time as string;
    const filtered = await api('/contacts', { sort_column: 'last_modified_time', last_modified_time: pivot });
    expect(filtered.body.contacts[0].contact_id).toBe(all[120].contact_id);
    const second = await api('/contacts', {
      sort_column: 'last_modified_time',
      last_modified_time: pivot,
      page: '2',
    });
    expect(filtered.body.contacts.length + second.body.contacts.length).toBe(450 - 120);
    expect((await api('/contacts', { last_modified_time: 'yesterday' })).status).toBe(400);
  });

  it('F12 GET /contacts/{id} adds addresses and contact persons; an unknown id is code 1002', async () => {
    const [added] = sim.addContacts(org, [
      {
        first_name: 'Ana',
        email: 'ana@example.com',
        billing_address: { country: 'Spain', city: 'Madrid' },
        contact_persons: [{ email: 'b@example.com' }],
      },
    ]);
    const { body } = await api(`/contacts/${added!.contact_id}`);
    expect(body.code).toBe(0);
    expect(body.contact.billing_address).toMatchObject({ country: 'Spain', city: 'Madrid' });
    expect(body.contact.shipping_address).toHaveProperty('country');
    expect(body.contact.contact_persons).toHaveLength(2);
    const primary = body.contact.contact_persons.find(
      (p: { is_primary_contact: boolean }) => p.is_primary_contact,
    );
    expect(primary).toMatchObject({
      email: 'ana@example.com',
      contact_person_id: body.contact.primary_contact_id,
    });
    const missing = await api('/contacts/123');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 1002, message: 'Contact does not exist.' });
    sim.deleteContact(org, added!.contact_id);
  });

  it('F13 the organization-wide contact persons list is sorted by person id with formatted created dates', async () => {
    const { body } = await api('/contacts/contactpersons', { per_page: '200' });
    expect(body.page_context).toMatchObject({
      report_name: 'Contact Persons',
      sort_column: 'contact_person_id',
      sort_order: 'A',
    });
    const ids: string[] = body.contact_persons.map((p: { contact_person_id: string }) => p.contact_person_id);
    expect(ids).toEqual([...ids].sort((a, b) => a.length - b.length || a.localeCompare(b)));
    expect(body.contact_persons[0]).toMatchObject({
      contact_id: expect.any(String),
      is_primary_contact: expect.any(Boolean),
    });
    expect(body.contact_persons[0].created_time).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4}$/);
  });

  it('F14 a custom field label seen on a contact becomes an organization custom field cf_<snake label>', async () => {
    const [added] = sim.addContacts(org, [
      { email: 'cf@example.com', custom_fields: [{ label: 'VAT ID', value: 'GB123' }] },
    ]);
    const defs = await api('/settings/customfields', { entity: 'contact' });
    expect(defs.body.customfields).toContainEqual(
      expect.objectContaining({ label: 'VAT ID', api_name: 'cf_vat_id', data_type: 'string' }),
    );
    const { body } = await api(`/contacts/${added!.contact_id}`);
    expect(body.contact.custom_fields).toEqual([
      expect.objectContaining({
        label: 'VAT ID',
        api_name: 'cf_vat_id',
        value: 'GB123',
        value_formatted: 'GB123',
        index: expect.any(Number),
      }),
    ]);
    sim.deleteContact(org, added!.contact_id);
  });

  it('F15 GET /users marks the current user, whose email is the primary email', async () => {
    sim.setPrimaryEmail('boss@example.com');
    const { body } = await api('/users');
    expect(body.users.filter((u: { is_current_user: boolean }) => u.is_current_user)).toEqual([
      expect.objectContaining({ email: 'boss@example.com' }),
    ]);
  });

  it('F16 answers carry {code, message}: code 0 on success', async () => {
    const { body } = await api('/contacts', { per_page: '1' });
    expect(body).toMatchObject({ code: 0, message: 'success' });
  });

  it('F17 over the per-minute limit: HTTP 429 {code: 44} with Retry-After', async () => {
    const s = await startZohoInvoiceSimulator({
      contactsPerOrganization: 0,
      rateLimit: { limit: 3, windowMs: 60_000 },
    });
    try {
      const t = String((await mintToken(s)).body.access_token);
      const orgId = s.organizations[0]!.organization_id;
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${s.apiUrl}/contacts?organization_id=${orgId}`, {
          headers: { Authorization: `Zoho-oauthtoken ${t}` },
        });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await last?.json()).toMatchObject({ code: 44 });
      // Per organization: the other one is not limited.
      const other = s.organizations[1]!.organization_id;
      expect(
        (
          await fetch(`${s.apiUrl}/contacts?organization_id=${other}`, {
            headers: { Authorization: `Zoho-oauthtoken ${t}` },
          })
        ).status,
      ).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('F18 X-Rate-Limit-Limit/Remaining/Reset describe the daily quota (1,000)', async () => {
    const a = await api('/contacts', { per_page: '1' });
    const b = await api('/contacts', { per_page: '1' });
    expect(a.headers.get('x-rate-limit-limit')).toBe('1000');
    expect(Number(b.headers.get('x-rate-limit-remaining'))).toBe(
      Number(a.headers.get('x-rate-limit-remaining')) - 1,
    );
    expect(Number(a.headers.get('x-rate-limit-reset'))).toBeGreaterThan(0);
    expect(Number(a.headers.get('x-rate-limit-reset'))).toBeLessThanOrEqual(86_400);
  });

  it('F20 an organization the user does not belong to is {code: 6041}', async () => {
    const { status, body } = await api('/contacts', { organization_id: '42' });
    expect(status).toBe(400);
    expect(body).toEqual({
      code: 6041,
      message: 'This user is not associated with the CompanyID/CompanyName:42.',
    });
  });
});

describe('Zoho Invoice simulator: controls', () => {
  it('generates the same contacts for the same seed, with the requested share of troublesome emails', () => {
    const a = generateContacts(1, 2_000, {
      emailMix: { empty: 0.1, role: 0.1, typoDomain: 0.1, invalid: 0.1, duplicate: 0.1 },
    });
    const b = generateContacts(1, 2_000, {
      emailMix: { empty: 0.1, role: 0.1, typoDomain: 0.1, invalid: 0.1, duplicate: 0.1 },
    });
    expect(a.map((c) => c.email)).toEqual(b.map((c) => c.email));
    const empty = a.filter((c) => c.email === '').length;
    const typo = a.filter((c) =>
      /@(gnail|gmial|gmai|yaho|yahooo|hotmial|outlok|hotmal|iclod)\.com$/.test(c.email ?? ''),
    ).length;
    expect(empty).toBeGreaterThan(140);
    expect(empty).toBeLessThan(260);
    expect(typo).toBeGreaterThan(140);
    expect(new Set(a.map((c) => c.billing_address?.country)).size).toBeGreaterThan(5);
  });

  it('a list row shows the contact as stored, after every kind of change too', async () => {
    const s = await startZohoInvoiceSimulator({ contactsPerOrganization: 40, rateLimit: false });
    try {
      const orgId = s.organizations[0]!.organization_id;
      const t = String((await mintToken(s)).body.access_token);
      const list = async () => {
        const response = await fetch(
          `${s.apiUrl}/contacts?organization_id=${orgId}&filter_by=Status.All&sort_column=last_modified_time`,
          { headers: { Authorization: `Zoho-oauthtoken ${t}` } },
        );
        // biome-ignore lint/suspicious/noExplicitAny: raw JSON under test.
        return ((await response.json()) as any).contacts as Record<string, unknown>[];
      };
      // The list row is the contact without its addresses, persons and primary person id, plus Zoho's list extras.
      const expectRowsToMatch = async () => {
        const rows = new Map((await list()).map((row) => [row.contact_id, row]));
        const contacts = s.contacts(orgId);
        expect(rows.size).toBe(contacts.length);
        for (const contact of contacts) {
          const row = rows.get(contact.contact_id)!;
          expect(row).toMatchObject({
            contact_id: contact.contact_id,
            contact_name: contact.contact_name,
            customer_name: contact.contact_name,
            company_name: contact.company_name,
            first_name: contact.first_name,
            last_name: contact.last_name,
            email: contact.email,
            phone: contact.phone,
            mobile: contact.mobile,
            website: contact.website,
            status: contact.status,
            contact_type: contact.contact_type,
            customer_sub_type: contact.customer_sub_type,
            created_time: contact.created_time,
            last_modified_time: contact.last_modified_time,
            custom_fields: contact.custom_fields,
          });
          expect(row.custom_field_hash).toEqual(
            Object.fromEntries(
              contact.custom_fields.flatMap((f) => [
                [f.api_name, String(f.value)],
                [`${f.api_name}_unformatted`, f.value],
              ]),
            ),
          );
        }
      };
      await expectRowsToMatch();
      const [first, second, third] = s.contacts(orgId);
      s.updateContact(orgId, first!.contact_id, {
        first_name: 'Zoë "Q" \\ 東京 😀',
        email: 'zoë@例え.jp',
        custom_fields: [
          { label: 'Brand New Field', value: 42 },
          { label: 'Industry', value: 'Ünïcödé\nline' },
        ],
      });
      s.updateContact(orgId, second!.contact_id, { status: 'inactive', contact_type: 'vendor' });
      s.deleteContact(orgId, third!.contact_id);
      s.addContacts(orgId, [{ company_name: 'Ça Va SARL', email: 'x@ça.fr' }]);
      await expectRowsToMatch();
      const changed = (await list()).find((row) => row.contact_id === first!.contact_id)!;
      expect(changed.first_name).toBe('Zoë "Q" \\ 東京 😀');
      expect(changed.contact_type_formatted).toBe('Customer');
      expect((await list()).find((row) => row.contact_id === second!.contact_id)).toMatchObject({
        status: 'inactive',
        contact_type: 'vendor',
        contact_type_formatted: 'Vendor',
      });
    } finally {
      await s.close();
    }
  });

  it('applies contact changes and deletions scheduled after N requests', async () => {
    const s = await startZohoInvoiceSimulator({ contactsPerOrganization: 3, rateLimit: false });
    try {
      const orgId = s.organizations[0]!.organization_id;
      const [c1, c2] = s.contacts(orgId);
      s.injectFault({
        type: 'deleteContacts',
        organizationId: orgId,
        contactIds: [c1!.contact_id],
        afterRequests: 1,
      });
      s.injectFault({
        type: 'modifyContacts',
        organizationId: orgId,
        contactIds: [c2!.contact_id],
        patch: { email: 'changed@example.com' },
        afterRequests: 1,
      });
      const t = String((await mintToken(s)).body.access_token);
      const call = () =>
        fetch(`${s.apiUrl}/contacts?organization_id=${orgId}`, {
          headers: { Authorization: `Zoho-oauthtoken ${t}` },
        }).then((r) => r.json() as Promise<{ contacts: { contact_id: string; email: string }[] }>);
      expect((await call()).contacts).toHaveLength(3);
      const after = (await call()).contacts;
      expect(after.map((c) => c.contact_id)).not.toContain(c1!.contact_id);
      expect(after.find((c) => c.contact_id === c2!.contact_id)?.email).toBe('changed@example.com');
    } finally {
      await s.close();
    }
  });

  // Assumed, not documented by Zoho: a broken paging that answers empty pages claiming more (issue 17's test double
  // for a source answering endless empty pages).
  it('answers empty list pages that claim more pages, as many times as asked (emptyPage fault)', async () => {
    const s = await startZohoInvoiceSimulator({ contactsPerOrganization: 3, rateLimit: false });
    try {
      const orgId = s.organizations[0]!.organization_id;
      s.injectFault({ type: 'emptyPage', path: '/contacts', count: 2 });
      const t = String((await mintToken(s)).body.access_token);
      const call = (page: number) =>
        fetch(`${s.apiUrl}/contacts?organization_id=${orgId}&page=${page}`, {
          headers: { Authorization: `Zoho-oauthtoken ${t}` },
        }).then(
          (r) =>
            r.json() as Promise<{
              contacts: unknown[];
              page_context: { page: number; has_more_page: boolean };
            }>,
        );
      for (const page of [1, 2]) {
        const body = await call(page);
        expect(body.contacts).toEqual([]);
        expect(body.page_context).toMatchObject({ page, has_more_page: true });
      }
      expect((await call(1)).contacts).toHaveLength(3);
    } finally {
      await s.close();
    }
  });
});
