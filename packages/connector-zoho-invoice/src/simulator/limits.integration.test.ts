import { mintToken } from '@leadsync/zoho-accounts/testing';
import { describe, expect, it } from 'vitest';
import { simulators } from '../test-helpers.ts';
import type { ZohoInvoiceSimulator } from './types.ts';

/**
 * The simulator's limits, scopes and list-filter modes. Each test says whether Zoho DOCUMENTS (or real answers
 * show: OBSERVED) the behaviour, or whether the simulator ASSUMES it (see limits.ts and the package README).
 */
const ORGS = [
  { organization_id: '81000000001', name: 'One', time_zone: 'Europe/London' },
  { organization_id: '81000000002', name: 'Two', time_zone: 'Asia/Kolkata' },
];

const sim = simulators({ organizations: ORGS, contactsPerOrganization: 3 });

async function token(s: ZohoInvoiceSimulator): Promise<{ token: string; apiDomain: string }> {
  const { body } = await mintToken(s);
  return { token: String(body.access_token), apiDomain: String(body.api_domain) };
}

function get(s: ZohoInvoiceSimulator, accessToken: string, path: string, org = ORGS[0]!.organization_id) {
  const url = `${s.apiUrl}${path}${path.includes('?') ? '&' : '?'}organization_id=${org}`;
  return fetch(url, { headers: { Authorization: `Zoho-oauthtoken ${accessToken}` } });
}

describe('simulator limits', () => {
  it('counts the per-minute limit per organization across all clients (DOCUMENTED: 100 a minute per organization; sliding window ASSUMED)', async () => {
    const s = await sim({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const [a, b] = [await token(s), await token(s)];
    const statuses = [];
    for (const t of [a, b, a, b]) statuses.push((await get(s, t.token, '/contacts')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another organization has a budget of its own.
    expect((await get(s, a.token, '/contacts', ORGS[1]!.organization_id)).status).toBe(200);
  });

  it('answers 429 with code 44, with Retry-After unless turned off (both ASSUMED: no recording shows a 429)', async () => {
    const s = await sim({ rateLimit: { limit: 1, windowMs: 60_000, retryAfter: false } });
    const { token: t } = await token(s);
    await get(s, t, '/contacts');
    const refused = await get(s, t, '/contacts');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(((await refused.json()) as { code: number }).code).toBe(44);
  });

  it('reports the daily quota in three headers, remaining going negative (OBSERVED), refuses past it when enforced (ASSUMED: 429 code 45), and resets', async () => {
    const s = await sim({ rateLimit: false, dailyQuota: { limit: 2 } });
    const { token: t } = await token(s);
    const headers = [];
    for (let i = 0; i < 3; i++) {
      const answer = await get(s, t, '/contacts');
      expect(answer.status).toBe(200);
      headers.push(answer.headers);
    }
    expect(headers.map((h) => h.get('x-rate-limit-limit'))).toEqual(['2', '2', '2']);
    expect(headers.map((h) => h.get('x-rate-limit-remaining'))).toEqual(['1', '0', '-1']);
    // Seconds until midnight in the organization's zone (ASSUMED: the day's end in its zone).
    expect(Number(headers[0]!.get('x-rate-limit-reset'))).toBeGreaterThan(0);
    expect(Number(headers[0]!.get('x-rate-limit-reset'))).toBeLessThanOrEqual(86_400);

    const enforced = await sim({
      rateLimit: false,
      dailyQuota: { limit: 1, enforce: true, periodMs: 60_000 },
    });
    const e = await token(enforced);
    expect((await get(enforced, e.token, '/contacts')).status).toBe(200);
    const refused = await get(enforced, e.token, '/contacts');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: number }).code).toBe(45);
    expect(Number(refused.headers.get('x-rate-limit-reset'))).toBeLessThanOrEqual(60);
    enforced.resetDailyQuota();
    expect((await get(enforced, e.token, '/contacts')).status).toBe(200);
  });

  it('refuses, ignores or honours last_modified_time (UNDOCUMENTED as a list parameter: all three ASSUMED possible)', async () => {
    const since = encodeURIComponent('2999-01-01T00:00:00+0000');
    for (const [mode, status, rows] of [
      ['refused', 400, undefined],
      ['ignored', 200, 3],
      ['honoured', 200, 0],
    ] as const) {
      const s = await sim({ rateLimit: false, lastModifiedTimeFilter: mode });
      const { token: t } = await token(s);
      const answer = await get(s, t, `/contacts?filter_by=Status.All&last_modified_time=${since}`);
      expect(answer.status).toBe(status);
      const body = (await answer.json()) as { code: number; contacts?: unknown[] };
      if (rows === undefined) expect(body.code).toBe(2);
      else expect(body.contacts).toHaveLength(rows);
    }
  });

  it('answers a missing scope with 401 code 57 (OBSERVED for a missing scope), per endpoint', async () => {
    const s = await sim({ rateLimit: false, scopes: ['ZohoInvoice.settings.READ'] });
    const { token: t } = await token(s);
    const contacts = await get(s, t, '/contacts');
    expect(contacts.status).toBe(401);
    expect(((await contacts.json()) as { code: number }).code).toBe(57);
    expect((await get(s, t, '/users')).status).toBe(200);
    s.setScopes(['ZohoInvoice.contacts.READ']);
    expect((await get(s, t, '/contacts')).status).toBe(200);
    expect((await get(s, t, '/users')).status).toBe(401);
  });

  it('names the API host in the token answer as api_domain (DOCUMENTED)', async () => {
    const s = await sim({ apiDomain: 'https://www.zohoapis.uk' });
    expect((await token(s)).apiDomain).toBe('https://www.zohoapis.uk');
    const plain = await sim();
    expect(`${(await token(plain)).apiDomain}/invoice/v3`).toBe(plain.apiUrl);
  });
});
