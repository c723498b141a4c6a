import { mintToken } from '@leadsync/zoho-accounts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoCrmSimulator } from './server.ts';
import type { ZohoCrmSimulator } from './types.ts';

// What the simulator answers, raw, with the README fact each answer stands on. DOCUMENTED: Zoho's v8 docs or OAS say
// so; ASSUMED: no source settles it (the README says which way the simulator goes, and the client copes with both).
let sim: ZohoCrmSimulator;
let token: string;

async function api(path: string, headers: Record<string, string> = {}, auth = token) {
  const response = await fetch(`${sim.apiUrl}${path}`, {
    headers: { Authorization: `Zoho-oauthtoken ${auth}`, ...headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  sim = await startZohoCrmSimulator({
    seed: 5,
    recordsPerModule: { Leads: 2_100, Contacts: 3 },
    credits: { limit: 5_000 },
  });
  token = (await mintToken(sim)).body.access_token as string;
});
afterAll(() => sim.close());

describe('records [R1–R5]', () => {
  it('DOCUMENTED: fields is required, at most 50 of them', async () => {
    expect((await api('/Leads')).body).toMatchObject({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'fields' },
      status: 'error',
    });
    const many = Array.from({ length: 51 }, (_, i) => `F${i}`).join(',');
    expect((await api(`/Leads?fields=${many}`)).body).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 50 },
    });
  });

  it('DOCUMENTED: page numbers reach 2,000 records; beyond, DISCRETE_PAGINATION_LIMIT_EXCEEDED; page with page_token is ambiguous', async () => {
    const p10 = await api('/Leads?fields=Email&page=10');
    expect(p10.status).toBe(200);
    expect(p10.body.info).toMatchObject({ page: 10, per_page: 200, count: 200, more_records: true });
    expect((await api('/Leads?fields=Email&page=11')).body).toMatchObject({
      code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
      details: { limit: 2000 },
    });
    expect((await api('/Leads?fields=Email&page=2&page_token=x')).body.code).toBe(
      'AMBIGUITY_DURING_PROCESSING',
    );
  });

  it('DOCUMENTED: next_page_token from the first page on, walking past 2,000; ASSUMED: a token is bound to its query', async () => {
    const query = 'fields=Email&sort_by=Modified_Time&sort_order=asc';
    let page = await api(`/Leads?${query}`);
    let count = page.body.data.length;
    while (page.body.info.more_records) {
      expect(page.body.info.next_page_token).toMatch(/^[0-9a-f]{48}$/);
      page = await api(`/Leads?${query}&page_token=${page.body.info.next_page_token}`);
      count += page.body.data.length;
    }
    expect(count).toBe(2_100);
    const first = await api(`/Leads?${query}`);
    const other = await api(
      `/Leads?fields=Phone&sort_by=Modified_Time&sort_order=asc&page_token=${first.body.info.next_page_token}`,
    );
    expect(other.body.code).toBe('TOKEN_BOUND_DATA_MISMATCH');
  });

  it('DOCUMENTED: If-Modified-Since leaves older records out; none left is HTTP 204 without a body', async () => {
    const newest = sim.records('Leads').at(-1)?.Modified_Time as string;
    const recent = await api('/Leads?fields=Email', {
      'If-Modified-Since': sim.records('Leads').at(-3)?.Modified_Time as string,
    });
    expect(recent.body.data).toHaveLength(2);
    const none = await api('/Leads?fields=Email', { 'If-Modified-Since': newest });
    expect(none.status).toBe(204);
    expect(none.body).toBeUndefined();
  });

  it("DOCUMENTED: rows carry id and the asked fields, times with the account's offset (`+05:30`)", async () => {
    const { body } = await api('/Contacts?fields=Email,Account_Name,Newsletter_Topics,Modified_Time');
    expect(Object.keys(body.data[0]).sort()).toEqual([
      'Account_Name',
      'Email',
      'Modified_Time',
      'Newsletter_Topics',
      'id',
    ]);
    expect(body.data[0].id).toMatch(/^\d{19}$/);
    expect(body.data[0].Modified_Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    expect(body.data[0].Account_Name).toMatchObject({ name: expect.any(String), id: expect.any(String) });
  });
});

describe('converted leads [R7]', () => {
  it('DOCUMENTED: converted=false|true|both; ASSUMED: without it, converted leads are left out', async () => {
    const id = sim.records('Leads')[0]?.id as string;
    sim.updateRecord('Leads', id, { $converted: true });
    const has = async (query: string) =>
      (await api(`/Leads?fields=Email&sort_by=Modified_Time&sort_order=desc${query}`)).body.data.some(
        (r: { id: string }) => r.id === id,
      );
    expect(await has('')).toBe(false);
    expect(await has('&converted=true')).toBe(true);
    expect(await has('&converted=both')).toBe(true);
    sim.updateRecord('Leads', id, { $converted: false });
  });
});

describe('metadata, users, deletions [F1, U1, D1]', () => {
  it('DOCUMENTED: field metadata with api_name, field_label, data_type, custom_field', async () => {
    const { body } = await api('/settings/fields?module=Leads');
    expect(body.fields.find((f: { api_name: string }) => f.api_name === 'Interests')).toMatchObject({
      field_label: 'Interests',
      data_type: 'multiselectpicklist',
      custom_field: true,
    });
  });

  it('DOCUMENTED: the current user; the deleted-records feed by type and If-Modified-Since', async () => {
    expect((await api('/users?type=CurrentUser')).body.users[0].email).toBe(sim.primaryEmail);
    const id = sim.records('Contacts')[0]?.id as string;
    sim.deleteRecord('Contacts', id, 'permanent');
    const { body } = await api('/Contacts/deleted?type=permanent');
    expect(body.data[0]).toMatchObject({
      id,
      type: 'permanent',
      deleted_time: expect.stringMatching(/\+05:30$/),
    });
    expect(body.info).toMatchObject({ more_records: false });
    expect((await api('/Contacts/deleted?type=recycle')).status).toBe(204);
  });
});

describe('keys, scopes, modules and credits [C3, C4, E1–E3, L1–L3]', () => {
  it('DOCUMENTED (accounts server): a refused refresh token is HTTP 200 {"error":"invalid_code"}, a wrong secret invalid_client', async () => {
    expect(await mintToken(sim, { refresh_token: '1000.nope' })).toEqual({
      status: 200,
      body: { error: 'invalid_code' },
    });
    expect((await mintToken(sim, { client_secret: 'wrong' })).body).toEqual({ error: 'invalid_client' });
    expect((await mintToken(sim)).body).toMatchObject({
      api_domain: sim.apiDomain,
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });

  it('ASSUMED (community recordings): an unknown or expired token is 401 INVALID_TOKEN', async () => {
    expect(await api('/Leads?fields=Email', {}, 'nope')).toMatchObject({
      status: 401,
      body: { code: 'INVALID_TOKEN' },
    });
  });

  it('DOCUMENTED: a missing scope is 401 OAUTH_SCOPE_MISMATCH; a module the account lacks is 400 INVALID_MODULE', async () => {
    sim.setScopes(['ZohoCRM.modules.leads.READ']);
    expect(await api('/Contacts?fields=Email')).toMatchObject({
      status: 401,
      body: { code: 'OAUTH_SCOPE_MISMATCH' },
    });
    sim.setScopes(['ZohoCRM.modules.ALL']);
    expect(await api('/Deals?fields=Amount')).toMatchObject({
      status: 400,
      body: { code: 'INVALID_MODULE', details: { resource_path_index: 0 } },
    });
  });

  it('ASSUMED: X-RATELIMIT-LIMIT, -REMAINING and -RESET (seconds) on every answer, one credit a call', async () => {
    const before = sim.creditsUsed();
    const { headers } = await api('/Leads?fields=Email&per_page=1');
    expect(sim.creditsUsed()).toBe(before + 1);
    expect(Number(headers.get('x-ratelimit-limit'))).toBe(5_000);
    expect(Number(headers.get('x-ratelimit-remaining'))).toBe(5_000 - sim.creditsUsed());
    expect(Number(headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
  });
});

describe('injected faults (the test double itself, not Zoho)', () => {
  it('a fault with afterRequests: n lets n API calls through, then answers the next one, as the Invoice simulator', async () => {
    for (const after of [0, 1, 2]) {
      sim.injectFault({ type: 'status', status: 500, path: '/Leads', afterRequests: after });
      const statuses: number[] = [];
      for (let call = 0; call <= after; call++)
        statuses.push((await api('/Leads?fields=Email&per_page=1')).status);
      expect(statuses).toEqual([...Array<number>(after).fill(200), 500]);
    }
  });
});
