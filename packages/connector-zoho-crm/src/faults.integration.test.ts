import {
  createHttpClient,
  createMemoryBudget,
  InvalidCredentialsError,
  QuotaReachedError,
  RateLimitedError,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createZohoCrmConnector } from './connector.ts';
import { startZohoCrmSimulator } from './simulator/index.ts';
import type { ZohoCrmSimulator } from './simulator/types.ts';
import { contextFor, FAST, idsOf, readAll, silentLogger } from './test-helpers.ts';

// The reliability faults of issue 21: 429, 5xx, network, token expiry and revocation mid-run, the daily credits.
const connector = createZohoCrmConnector(FAST);
const read = { organizationId: 'Leads', fields: ['Email'], pageSize: 50 } as const;
let sim: ZohoCrmSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(records = 300, options: Parameters<typeof startZohoCrmSimulator>[0] = {}) {
  sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: records, Contacts: 0 }, ...options });
  return sim;
}

describe('rate limits and server errors', () => {
  it('waits out a 429 (Retry-After) and finishes the read [L2]', async () => {
    const s = await start();
    s.injectFault({ type: 'rateLimit', path: '/Leads', afterRequests: 3, retryAfterSeconds: 0 });
    expect(idsOf(await readAll(connector, contextFor(s), read))).toHaveLength(300);
    expect(s.requests().filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('two reads of one organization past its concurrency both finish, the 429s waited out [L2]', async () => {
    const s = await start(400, { concurrency: 1 });
    const [a, b] = await Promise.all([
      readAll(connector, contextFor(s), read),
      readAll(connector, contextFor(s), read),
    ]);
    expect(idsOf(a)).toHaveLength(400);
    expect(idsOf(b)).toHaveLength(400);
  });

  it('gives up with RateLimitedError when Zoho asks for a longer wait than it will make', async () => {
    const s = await start();
    s.injectFault({ type: 'rateLimit', path: '/Leads', retryAfterSeconds: 3_600 });
    await expect(readAll(connector, contextFor(s), read)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('retries 5xx answers, a dropped connection and a timeout, and finishes [E1]', async () => {
    const s = await start();
    s.injectFault({ type: 'status', status: 500, path: '/Leads', afterRequests: 2, count: 3 });
    s.injectFault({ type: 'networkError', path: '/Leads', afterRequests: 4 });
    s.injectFault({ type: 'delay', ms: 2_500, path: '/Leads', afterRequests: 5 });
    expect(idsOf(await readAll(connector, contextFor(s), read))).toHaveLength(300);
  });

  it('after its attempts, SourceUnavailableError; a body that is not JSON, the same', async () => {
    const s = await start();
    s.injectFault({ type: 'status', status: 503, path: '/Leads', count: 10 });
    await expect(readAll(connector, contextFor(s), read)).rejects.toBeInstanceOf(SourceUnavailableError);
    s.clearFaults();
    s.injectFault({ type: 'malformedJson', path: '/Leads', afterRequests: 1 });
    await expect(readAll(connector, contextFor(s), read)).rejects.toThrow(/not JSON/);
  });
});

describe('keys', () => {
  it('an access token that expires mid-run is refreshed once and the read goes on [C3]', async () => {
    const s = await start();
    const ctx = contextFor(s);
    s.injectFault({ type: 'expireTokens', afterRequests: 3 });
    expect(idsOf(await readAll(connector, ctx, read))).toHaveLength(300);
    expect(s.requests().filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('a key revoked mid-run ends the read with InvalidCredentialsError, no secret in it [C3]', async () => {
    const s = await start();
    const ctx = contextFor(s);
    s.injectFault({ type: 'rotateKey', afterRequests: 3 });
    const error = await readAll(connector, ctx, read).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(error.field).toBe('refreshToken');
    for (const secret of Object.values(ctx.credentials)) {
      expect(error.message).not.toContain(secret);
      expect(error.userMessage).not.toContain(secret);
    }
  });

  it('a wrong client secret is refused naming the client id, not the refresh token [C3]', async () => {
    const s = await start(1);
    const ctx = contextFor(s, { credentials: { ...s.credentials, clientSecret: 'not-the-secret' } });
    const error = await connector.check(ctx).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(error.field).toBe('clientId');
  });

  it('API calls go to the token answer api_domain when the settings do not fix one (UK data center) [C1, C2]', async () => {
    const s = await start(10);
    const ctx = contextFor(s, {}, { dataCenter: 'uk', apiUrl: undefined });
    expect(idsOf(await readAll(connector, ctx, read))).toHaveLength(10);
  });
});

describe('the daily API credits', () => {
  it('a run that meets the credits stops before the reserve and waits until they come back [L1, L3]', async () => {
    const s = await start(1_000, { credits: { limit: 20, enforce: true } });
    const planned = createZohoCrmConnector({ ...FAST, planDailyQuota: true });
    const pages: string[][] = [];
    const error = await (async () => {
      for await (const page of planned.read(contextFor(s), read))
        pages.push(page.records.map((r) => r.sourceId));
    })().catch((e) => e);
    expect(error).toBeInstanceOf(QuotaReachedError);
    expect(error.resumeAt.getTime()).toBeGreaterThan(Date.now());
    expect(pages.length).toBeGreaterThan(10);
    expect(s.requests().some((r) => r.status === 429)).toBe(false);
    expect(s.creditsUsed()).toBeLessThanOrEqual(18);
  });

  it('credits spent elsewhere: the 429 and its headers make the run wait instead of failing [L1, L3]', async () => {
    const s = await start(1_000, { credits: { limit: 20, enforce: true } });
    const planned = createZohoCrmConnector({ ...FAST, planDailyQuota: true });
    // Another integration of the same organization spends the credits first.
    await readAll(createZohoCrmConnector({ ...FAST, planDailyQuota: false }), contextFor(s), read).catch(
      () => undefined,
    );
    const http = createHttpClient({ budget: createMemoryBudget(), logger: silentLogger });
    const before = s.requests().length;
    const error = await readAll(planned, contextFor(s, { http }), read).catch((e) => e);
    expect(error).toBeInstanceOf(QuotaReachedError);
    expect(
      s
        .requests()
        .slice(before)
        .filter((r) => r.path === '/Leads')
        .map((r) => r.status),
    ).toEqual([429]);
  });
});
