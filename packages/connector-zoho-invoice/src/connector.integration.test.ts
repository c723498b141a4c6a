// The connector against the simulator over real HTTP, by behaviour: reading, account and fields, OAuth, limits and
// failures, redirects, settings. Over 300 lines because each group shares this file's simulator helpers; a group
// is read on its own (describe blocks).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BadSourceDataError,
  InvalidConfigurationError,
  InvalidCredentialsError,
  MissingPermissionError,
  RateLimitedError,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import { describe, expect, it } from 'vitest';
import { createZohoInvoiceConnector, DETAIL_UNIT } from './connector.ts';
import { generateContacts } from './simulator/index.ts';
import { contextFor, FAST, sourceIds as ids, listCalls, readAll, simulators } from './test-helpers.ts';

const ORG = { organization_id: '70000000001', name: 'Test Org', time_zone: 'America/New_York' };

const sim = simulators({ organizations: [ORG], rateLimit: false, contactsPerOrganization: 0 });

const connector = createZohoInvoiceConnector(FAST);

describe('reading contacts', () => {
  it('reads 10,000 contacts over 50 pages of 200 exactly once each', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(42, 10_000));
    const pages = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id });
    const read = ids(pages);
    expect(read).toHaveLength(10_000);
    expect(new Set(read)).toEqual(new Set(s.contacts(ORG.organization_id).map((c) => c.contact_id)));
    // Keyset paging re-reads the boundary row of each page once: 50 pages of data, at most 51 list requests.
    expect(listCalls(s).length).toBeGreaterThanOrEqual(50);
    expect(listCalls(s).length).toBeLessThanOrEqual(51);
    expect(
      listCalls(s).every((r) => r.query.per_page === '200' && r.query.sort_column === 'last_modified_time'),
    ).toBe(true);
  });

  it('resumes from the page after the last committed checkpoint without re-reading or skipping', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(7, 1_000));
    const first: string[] = [];
    let checkpoint: Record<string, unknown> | undefined;
    let n = 0;
    for await (const page of connector.read(contextFor(s), { organizationId: ORG.organization_id })) {
      first.push(...page.records.map((r) => r.sourceId));
      checkpoint = page.checkpoint;
      if (++n === 2) break; // the run stops after committing two pages
    }
    const rest = ids(
      await readAll(connector, contextFor(s), { organizationId: ORG.organization_id, checkpoint }),
    );
    const all = [...first, ...rest];
    expect(all).toHaveLength(1_000);
    expect(new Set(all).size).toBe(1_000);
  });

  it.each([true, false])(
    'reads only contacts modified at or after `since` (API honours the filter: %s)',
    async (honoured) => {
      const s = await sim({ lastModifiedTimeFilter: honoured });
      const contacts = s.addContacts(
        ORG.organization_id,
        Array.from({ length: 450 }, (_, i) => ({
          first_name: `P${i}`,
          email: `p${i}@example.com`,
          last_modified_time: new Date(Date.UTC(2026, 5, 1, 0, 0, i)).toISOString(),
        })),
      );
      const since = new Date(Date.UTC(2026, 5, 1, 0, 0, 100));
      const pages = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id, since });
      const read = ids(pages);
      // Honoured: oldest first under a moving bound. Ignored: newest first from the top, down to `since`.
      const expected = contacts.slice(100).map((c) => c.contact_id);
      expect(read).toEqual(honoured ? expected : expected.reverse());
      if (honoured) expect(listCalls(s)[0]?.query.last_modified_time).toBe('2026-06-01T00:01:40+0000');
    },
  );

  it('misses no contact and delivers none twice when others are modified or deleted during the read', async () => {
    const s = await sim();
    const contacts = s.addContacts(ORG.organization_id, generateContacts(3, 1_000));
    const early = contacts.slice(0, 5).map((c) => c.contact_id);
    const late = contacts.slice(-2).map((c) => c.contact_id);
    s.injectFault({
      type: 'deleteContacts',
      organizationId: ORG.organization_id,
      contactIds: early.slice(0, 3),
      afterRequests: 2,
    });
    // Zoho's times have whole seconds: the changes come more than a second after the read started.
    s.injectFault({ type: 'delay', ms: 1_100, path: '/contacts', afterRequests: 2 });
    s.injectFault({
      type: 'modifyContacts',
      organizationId: ORG.organization_id,
      contactIds: [...early.slice(3), ...late],
      patch: { phone: '+1 555 0100' },
      afterRequests: 3,
    });
    const pages = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id });
    const read = ids(pages);
    expect(new Set(read).size).toBe(read.length);
    // Every contact that was there when the read started and not changed since is read.
    const survivors = s.contacts(ORG.organization_id).map((c) => c.contact_id);
    expect(survivors).toHaveLength(997);
    for (const id of survivors.filter((id) => !late.includes(id))) expect(read).toContain(id);
    // The late ones changed before the read reached them: they come with the next run, from its high-water mark.
    for (const id of late) expect(read).not.toContain(id);
    const highWater = Math.max(...pages.flatMap((p) => p.records.map((r) => Date.parse(r.modifiedAt!))));
    const next = ids(
      await readAll(connector, contextFor(s), {
        organizationId: ORG.organization_id,
        since: new Date(highWater - 1_000),
      }),
    );
    expect(next).toEqual(expect.arrayContaining([...late, ...early.slice(3)]));
  });

  it('turns each field into its source key, custom fields under their api name', async () => {
    const s = await sim();
    const [c] = s.addContacts(ORG.organization_id, [
      {
        first_name: 'Priya',
        last_name: 'Iyer',
        email: 'priya@example.com',
        company_name: 'Lotus Labs',
        billing_address: { country: 'India' },
        custom_fields: [{ label: 'Lead Source', value: 'Referral' }],
      },
    ]);
    const [page] = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id });
    const record = page?.records[0];
    expect(record?.sourceId).toBe(c?.contact_id);
    expect(record?.fields).toMatchObject({
      email: 'priya@example.com',
      first_name: 'Priya',
      last_name: 'Iyer',
      company_name: 'Lotus Labs',
      contact_name: 'Lotus Labs',
      status: 'active',
      contact_type: 'customer',
      cf_lead_source: 'Referral',
    });
    expect(record?.fields).not.toHaveProperty('billing_address.country');
    expect(record?.modifiedAt).toMatch(/Z$/);
  });

  it('fetches a contact detail per record only when a detail field is asked for', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [
      { first_name: 'A', email: 'a@example.com', billing_address: { country: 'Germany' } },
      { first_name: 'B', email: 'b@example.com', billing_address: { country: 'Japan' } },
    ]);
    await readAll(connector, contextFor(s), {
      organizationId: ORG.organization_id,
      fields: ['email', 'first_name'],
    });
    expect(s.requests.filter((r) => /\/contacts\/\d+$/.test(r.path))).toHaveLength(0);
    const pages = await readAll(connector, contextFor(s), {
      organizationId: ORG.organization_id,
      fields: ['email', 'billing_address.country'],
    });
    expect(pages[0]?.records.map((r) => r.fields['billing_address.country'])).toEqual(['Germany', 'Japan']);
    expect(s.requests.filter((r) => /\/contacts\/\d+$/.test(r.path))).toHaveLength(2);
  });

  it.each([true, false])(
    'hands a page of detail requests over in units of DETAIL_UNIT, each resumable on its own, ties included (filter honoured: %s)',
    async (honoured) => {
      const s = await sim({ lastModifiedTimeFilter: honoured });
      // 90 contacts on one page, three at each second: unit boundaries (every 25) fall inside ties.
      const contacts = s.addContacts(
        ORG.organization_id,
        Array.from({ length: 90 }, (_, i) => ({
          first_name: `D${i}`,
          email: `d${i}@example.com`,
          billing_address: { country: `C${i}` },
          last_modified_time: new Date(Date.UTC(2026, 5, 1, 0, 0, Math.floor(i / 3))).toISOString(),
        })),
      );
      const request = {
        organizationId: ORG.organization_id,
        fields: ['email', 'billing_address.country'],
        // With a `since`, a source that ignores the filter is read newest first (the other order).
        since: new Date(Date.UTC(2026, 5, 1)),
      };
      const pages = await readAll(connector, contextFor(s), request);
      expect(pages.map((p) => p.records.length)).toEqual([DETAIL_UNIT, DETAIL_UNIT, DETAIL_UNIT, 15]);
      // A run stopped after each unit (by the quota) goes on from that unit's checkpoint: every contact once.
      for (const [i, page] of pages.slice(0, -1).entries()) {
        const rest = ids(
          await readAll(connector, contextFor(s), { ...request, checkpoint: page.checkpoint }),
        );
        const before = pages.slice(0, i + 1).flatMap((p) => p.records.map((r) => r.sourceId));
        expect(new Set([...before, ...rest]).size).toBe(90);
        expect(before.length + rest.length).toBe(90);
      }
      expect(new Set(ids(pages))).toEqual(new Set(contacts.map((c) => c.contact_id)));
      expect(pages[0]?.records[0]?.fields['billing_address.country']).toMatch(/^C\d+$/);
    },
  );

  it('adds one record per further contact person with an email when includeContactPersons is on', async () => {
    const s = await sim();
    const [c] = s.addContacts(ORG.organization_id, [
      {
        first_name: 'Main',
        email: 'main@example.com',
        company_name: 'Acme',
        contact_persons: [
          { first_name: 'Second', email: 'second@example.com' },
          { first_name: 'NoMail', email: '' },
        ],
      },
    ]);
    const off = ids(await readAll(connector, contextFor(s), { organizationId: ORG.organization_id }));
    expect(off).toEqual([c?.contact_id]);
    const ctx = contextFor(s, { includeContactPersons: true });
    const pages = await readAll(connector, ctx, { organizationId: ORG.organization_id });
    const second = c?.contact_persons.find((p) => p.email === 'second@example.com');
    expect(ids(pages)).toEqual([c?.contact_id, `${c?.contact_id}:${second?.contact_person_id}`]);
    expect(pages[0]?.records[1]?.fields).toMatchObject({
      email: 'second@example.com',
      first_name: 'Second',
      company_name: 'Acme',
    });
    const listed: string[] = [];
    for await (const batch of connector.listIds!(ctx, { organizationId: ORG.organization_id }))
      listed.push(...batch);
    expect(listed.sort()).toEqual(ids(pages).sort());
  });

  it('lists every id for deletion detection, and a deleted contact is missing from it', async () => {
    const s = await sim();
    const contacts = s.addContacts(ORG.organization_id, generateContacts(5, 450));
    s.deleteContact(ORG.organization_id, contacts[10]!.contact_id);
    const listed: string[] = [];
    for await (const batch of connector.listIds!(contextFor(s), { organizationId: ORG.organization_id }))
      listed.push(...batch);
    expect(listed).toHaveLength(449);
    expect(listed).not.toContain(contacts[10]!.contact_id);
  });

  it('lists each id exactly once even when contacts change during the listing', async () => {
    const s = await sim();
    const contacts = s.addContacts(ORG.organization_id, generateContacts(6, 450));
    const changed = [contacts[0]!.contact_id, contacts[300]!.contact_id];
    s.injectFault({
      type: 'modifyContacts',
      organizationId: ORG.organization_id,
      contactIds: changed,
      afterRequests: 1,
    });
    const listed: string[] = [];
    for await (const batch of connector.listIds!(contextFor(s), { organizationId: ORG.organization_id }))
      listed.push(...batch);
    expect(listed).toHaveLength(450);
    expect(new Set(listed).size).toBe(450);
  });

  it('reports an unreadable row in page.rejected instead of failing the read', async () => {
    const s = await sim();
    const contacts = s.addContacts(ORG.organization_id, [
      { email: 'ok@example.com' },
      { email: 'broken@example.com' },
    ]);
    const broken = contacts[1]!.contact_id;
    // Real HTTP to the simulator; the body is altered on its way back, as a source bug would.
    const tampering = createZohoInvoiceConnector({
      ...FAST,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes('/contacts?')) return response;
        const body = (await response.json()) as { contacts: Record<string, unknown>[] };
        for (const row of body.contacts) if (row.contact_id === broken) row.last_modified_time = 'yesterday';
        return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
      },
    });
    const pages = await readAll(tampering, contextFor(s), { organizationId: ORG.organization_id });
    expect(ids(pages)).toEqual([contacts[0]!.contact_id]);
    expect(pages[0]?.rejected).toEqual([
      { sourceId: broken, reason: expect.stringContaining('last_modified_time') },
    ]);
  });

  it('estimates records and requests: list pages plus one detail request per record for detail fields', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(9, 450));
    const listOnly = await connector.estimateCost!(contextFor(s), {
      organizationId: ORG.organization_id,
      fields: ['email'],
    });
    expect(listOnly.records).toBe(450);
    expect(listOnly.requests).toBeGreaterThanOrEqual(3);
    expect(listOnly.requests).toBeLessThanOrEqual(4);
    const withDetail = await connector.estimateCost!(contextFor(s), {
      organizationId: ORG.organization_id,
      fields: ['email', 'billing_address.country'],
    });
    expect(withDetail.requests).toBe(listOnly.requests + 450);
    expect(withDetail).toMatchObject({ listRequests: 3, detailRequests: 450, deletionRequests: 0 });
    expect(withDetail.accuracy).toBe('about');
  });

  it('estimates with a handful of requests at most: from the last run, or from the first pages', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(9, 1_500));
    s.clearRequests();
    const learned = await connector.estimateCost!(contextFor(s), {
      organizationId: ORG.organization_id,
      fields: ['email', 'billing_address.country'],
      lastRun: { records: 1_500, full: true },
      deletionListing: true,
      trackedRecords: 1_500,
    });
    expect(learned).toMatchObject({
      records: 1_500,
      listRequests: 8,
      detailRequests: 1_500,
      deletionRequests: 8,
      requests: 1_516,
      accuracy: 'about',
    });
    expect(learned.note).toContain('about 8 list page(s)');
    expect(listCalls(s)).toHaveLength(0);
    // Nothing learned yet and more than a few pages: a lower bound, said to be one.
    const probed = await connector.estimateCost!(contextFor(s), { organizationId: ORG.organization_id });
    expect(listCalls(s).length).toBeLessThanOrEqual(3);
    expect(probed.accuracy).toBe('unknown');
    // Three keyset pages (each re-reads its boundary rows): a lower bound near 600.
    expect(probed.records).toBeGreaterThan(590);
    expect(probed.records).toBeLessThanOrEqual(600);
    expect(probed.note).toContain(`at least ${probed.records}`);
  });
});

describe('account, organizations and fields', () => {
  it('check() reports the current user email from GET /users, and follows a change of it', async () => {
    const s = await sim({ primaryEmail: 'owner@example.com' });
    expect(await connector.check(contextFor(s))).toMatchObject({
      primaryEmail: 'owner@example.com',
      accountName: 'Test Org',
    });
    s.setPrimaryEmail('new.owner@example.com');
    expect((await connector.check(contextFor(s))).primaryEmail).toBe('new.owner@example.com');
  });

  it('lists organizations with string ids', async () => {
    const s = await sim({
      organizations: [
        ORG,
        { organization_id: '70000000002', name: 'Second Org', time_zone: 'Europe/Berlin' },
      ],
    });
    const orgs = await connector.listOrganizations(contextFor(s));
    expect(orgs).toEqual(s.organizations.map((o) => ({ id: o.organization_id, name: o.name })));
  });

  it('fields() gives the standard fields and each custom field labelled with its label', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [
      {
        email: 'x@example.com',
        custom_fields: [
          { label: 'Lead Source', value: 'Web' },
          { label: 'Employees', value: 12 },
        ],
      },
    ]);
    const fields = await connector.fields(contextFor(s), ORG.organization_id);
    const byKey = new Map(fields.map((f) => [f.key, f]));
    for (const key of ['email', 'first_name', 'last_name', 'company_name', 'billing_address.country'])
      expect(byKey.has(key)).toBe(true);
    expect(byKey.get('billing_address.country')?.availability).toBe('detail');
    expect(byKey.get('email')?.availability).toBe('list');
    expect(byKey.get('cf_lead_source')).toMatchObject({ label: 'Lead Source', type: 'string', custom: true });
    expect(byKey.get('cf_employees')).toMatchObject({ label: 'Employees', type: 'number', custom: true });
  });
});

describe('OAuth', () => {
  it('refreshes the access token before it expires', async () => {
    const s = await sim({ accessTokenLifetimeSeconds: 1, tokenMintLimit: false });
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    const ctx = contextFor(s);
    await connector.check(ctx);
    await new Promise((r) => setTimeout(r, 1_100));
    await connector.check(ctx);
    const tokenCalls = s.requests.filter((r) => r.path === '/oauth/v2/token');
    expect(tokenCalls.length).toBeGreaterThanOrEqual(2);
    expect(s.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('reuses one cached access token across reads and connector instances', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    await readAll(connector, contextFor(s), { organizationId: ORG.organization_id });
    await readAll(createZohoInvoiceConnector(FAST), contextFor(s), { organizationId: ORG.organization_id });
    expect(s.requests.filter((r) => r.path === '/oauth/v2/token')).toHaveLength(1);
  });

  it('refreshes once on a 401 and carries on', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    const ctx = contextFor(s);
    await connector.check(ctx);
    s.expireAccessTokens();
    const pages = await readAll(connector, ctx, { organizationId: ORG.organization_id });
    expect(ids(pages)).toHaveLength(1);
    expect(s.requests.map((r) => r.status)).toContain(401);
    expect(s.requests.filter((r) => r.path === '/oauth/v2/token')).toHaveLength(2);
  });

  it('refreshes only once: a second 401 with a fresh token is a missing permission, not a refused key', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    s.injectFault({ type: 'status', status: 401, count: 5, path: '/contacts' });
    // The refresh token was accepted, so the key is good: re-entering it would not help (Zoho: 401 code 57).
    await expect(
      readAll(connector, contextFor(s), { organizationId: ORG.organization_id }),
    ).rejects.toBeInstanceOf(MissingPermissionError);
    expect(listCalls(s)).toHaveLength(2);
    expect(s.requests.filter((r) => r.path === '/oauth/v2/token')).toHaveLength(2);
  });

  it('retries a token endpoint that fails with 5xx', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    s.injectFault({ type: 'status', status: 502, count: 2, path: '/oauth/v2/token' });
    const pages = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id });
    expect(ids(pages)).toHaveLength(1);
    expect(s.requests.filter((r) => r.path === '/oauth/v2/token').map((r) => r.status)).toEqual([
      502, 502, 200,
    ]);
  });

  it('a rotated key mid-run ends the read with InvalidCredentialsError', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(11, 600));
    const ctx = contextFor(s);
    s.injectFault({ type: 'rotateKey', afterRequests: 2 });
    await expect(readAll(connector, ctx, { organizationId: ORG.organization_id })).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    // The old key stays refused; the new one works.
    await expect(connector.check(ctx)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(connector.check({ ...ctx, credentials: s.credentials })).resolves.toHaveProperty(
      'primaryEmail',
    );
  });

  it('a cached token is not reused for a different client secret: the wrong secret is refused', async () => {
    const s = await sim();
    const ctx = contextFor(s);
    await connector.check(ctx);
    const wrongSecret = { ...ctx, credentials: { ...ctx.credentials, clientSecret: 'not-the-secret' } };
    await expect(connector.check(wrongSecret)).rejects.toBeInstanceOf(InvalidCredentialsError);
    // The right secret still has its own cached token.
    await expect(connector.check(ctx)).resolves.toHaveProperty('primaryEmail');
    expect(s.requests.filter((r) => r.path === '/oauth/v2/token').map((r) => r.status)).toHaveLength(2);
  });

  it('a refused refresh token (HTTP 200 {"error":"invalid_code"}) is InvalidCredentialsError without the secret', async () => {
    const s = await sim();
    const ctx = contextFor(s);
    const bad = {
      ...ctx,
      credentials: { ...ctx.credentials, refreshToken: '1000.not-a-real-token.secretvalue' },
    };
    const error = await connector.check(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(String((error as Error).message)).toContain('invalid_code');
    expect(String((error as Error).message)).not.toContain('secretvalue');
  });
});

describe('limits and failures', () => {
  it('waits out a 429 (Retry-After) and finishes the read', async () => {
    const s = await sim({ rateLimit: { limit: 4, windowMs: 1_000 } });
    s.addContacts(ORG.organization_id, generateContacts(13, 40));
    const pages = await readAll(connector, contextFor(s), {
      organizationId: ORG.organization_id,
      pageSize: 5,
    });
    expect(ids(pages)).toHaveLength(40);
    const all = s.requests.filter((r) => r.path.startsWith('/invoice/v3'));
    const limited = all.findIndex((r) => r.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    // Nothing was sent before the Retry-After (1 s, rounded up from the window's end) ran out.
    const next = all[limited + 1];
    expect(next).toBeDefined();
    expect(next!.at - all[limited]!.at).toBeGreaterThanOrEqual(400);
  });

  it('stays within its request budget, so the source never answers 429', async () => {
    const s = await sim({ rateLimit: { limit: 12, windowMs: 1_000 } });
    s.addContacts(ORG.organization_id, generateContacts(17, 60));
    // 300/min = 5 a second, burst 3: at most 8 in any second, under the simulator's 12.
    const budgeted = createZohoInvoiceConnector({ ...FAST, requestsPerMinute: 300, burst: 3 });
    const pages = await readAll(budgeted, contextFor(s), {
      organizationId: ORG.organization_id,
      pageSize: 5,
    });
    expect(ids(pages)).toHaveLength(60);
    const api = s.requests.filter((r) => r.path.startsWith('/invoice/v3'));
    expect(api.some((r) => r.status === 429)).toBe(false);
    for (const r of api)
      expect(api.filter((o) => o.at >= r.at && o.at < r.at + 1_000).length).toBeLessThanOrEqual(8);
  });

  it('gives up with RateLimitedError when Retry-After is longer than it is willing to wait', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    s.injectFault({ type: 'rateLimit', retryAfterSeconds: 3600, path: '/contacts' });
    const error = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000);
  });

  it('retries a burst of 5xx answers and finishes', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(19, 30));
    s.injectFault({ type: 'status', status: 503, count: 3, path: '/contacts' });
    const pages = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id });
    expect(ids(pages)).toHaveLength(30);
    expect(s.requests.filter((r) => r.status === 503)).toHaveLength(3);
  });

  it('gives up after its attempts with SourceUnavailableError', async () => {
    const s = await sim();
    s.injectFault({ type: 'status', status: 500, count: 100, path: '/contacts' });
    const limited = createZohoInvoiceConnector({ ...FAST, maxAttempts: 3 });
    await expect(
      readAll(limited, contextFor(s), { organizationId: ORG.organization_id }),
    ).rejects.toBeInstanceOf(SourceUnavailableError);
    expect(s.requests.filter((r) => r.status === 500)).toHaveLength(3);
  });

  it('retries a timed-out request and a dropped connection', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, generateContacts(23, 10));
    s.injectFault({ type: 'delay', ms: 600, path: '/contacts' });
    s.injectFault({ type: 'networkError', path: '/contacts', afterRequests: 1 });
    const impatient = createZohoInvoiceConnector({ ...FAST, requestTimeoutMs: 200 });
    const pages = await readAll(impatient, contextFor(s), { organizationId: ORG.organization_id });
    expect(ids(pages)).toHaveLength(10);
  });

  it.each(['apiUrl', 'accountsUrl'] as const)(
    'a closed port behind an allowed %s tells the user "could not be reached", never the connection error or port',
    async (field) => {
      const s = await sim();
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const ctx = contextFor(s, {
        [field]: field === 'apiUrl' ? `http://127.0.0.1:${port}/invoice/v3` : `http://127.0.0.1:${port}`,
      });
      const error = await connector.check(ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceUnavailableError);
      const shown = (error as SourceUnavailableError).userMessage;
      expect(shown).toContain('could not be reached');
      expect(shown).not.toMatch(new RegExp(`ECONNREFUSED|127\\.0\\.0\\.1|${port}|fetch failed`));
    },
  );

  it('does not retry other 4xx answers (an organization the key cannot see)', async () => {
    const s = await sim();
    const error = await readAll(connector, contextFor(s), { organizationId: '99999' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    expect((error as Error).message).toContain('6041');
    expect(listCalls(s)).toHaveLength(1);
  });

  it('malformed JSON ends the read with a clear SourceUnavailableError', async () => {
    const s = await sim();
    s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
    s.injectFault({ type: 'malformedJson', path: '/contacts' });
    const error = await readAll(connector, contextFor(s), { organizationId: ORG.organization_id }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toMatch(/GET \/contacts with a body that is not JSON \(HTTP 200/);
  });

  it.each([
    ['contacts is not a list', { contacts: 'none' }, 'contacts'],
    ['no has_more_page', { page_context: { page: 1 } }, 'page_context.has_more_page'],
    ['page_context is not an object', { page_context: 'x' }, 'page_context'],
  ])(
    'a contacts page of the wrong shape (%s) is a BadSourceDataError naming the field',
    async (_, change, field) => {
      const s = await sim();
      s.addContacts(ORG.organization_id, [{ email: 'a@example.com' }]);
      const tampering = createZohoInvoiceConnector({
        ...FAST,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!String(input).includes('/contacts?')) return response;
          const body = { ...((await response.json()) as Record<string, unknown>), ...change };
          return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
        },
      });
      const error = await readAll(tampering, contextFor(s), { organizationId: ORG.organization_id }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BadSourceDataError);
      expect((error as Error).message).toContain(`GET /contacts with an unexpected shape: ${field} `);
    },
  );
});

describe('redirects', () => {
  /** A server on loopback that answers every request with a redirect to the same path on `target`. */
  async function redirector(
    target: string,
    status: number,
  ): Promise<{ url: string; hits: number; close(): Promise<void> }> {
    const state = { hits: 0 };
    const server = createServer((req, res) => {
      state.hits++;
      res.writeHead(status, { location: new URL(req.url ?? '/', target).toString() }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      get hits() {
        return state.hits;
      },
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it.each([301, 302, 307, 308])('an API answer %i is an error and is not followed', async (status) => {
    const s = await sim();
    const r = await redirector(new URL(s.apiUrl).origin, status);
    try {
      const ctx = contextFor(s, { apiUrl: `${r.url}/invoice/v3` });
      const error = await connector.check(ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidConfigurationError);
      expect((error as InvalidConfigurationError).field).toBe('apiUrl');
      expect((error as Error).message).toContain(`HTTP ${status}`);
      expect(r.hits).toBe(1);
      expect(s.requests.filter((q) => q.path.startsWith('/invoice/v3'))).toHaveLength(0);
    } finally {
      await r.close();
    }
  });

  it('an accounts server redirect is an error and is not followed', async () => {
    const s = await sim();
    const r = await redirector(s.accountsUrl, 307);
    try {
      const error = await connector.check(contextFor(s, { accountsUrl: r.url })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidConfigurationError);
      expect((error as InvalidConfigurationError).field).toBe('accountsUrl');
      expect(r.hits).toBe(1);
      expect(s.requests.filter((q) => q.path === '/oauth/v2/token')).toHaveLength(0);
    } finally {
      await r.close();
    }
  });
});

describe('settings', () => {
  it.each(['apiUrl', 'accountsUrl'] as const)(
    'refuses a %s whose host is not allowed, before any request',
    async (field) => {
      const s = await sim();
      const ctx = contextFor(s, {
        [field]: field === 'apiUrl' ? 'http://169.254.169.254/invoice/v3' : 'http://10.0.0.1',
      });
      const error = await connector.check(ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidConfigurationError);
      expect((error as InvalidConfigurationError).field).toBe(field);
      expect(s.requests).toHaveLength(0);
    },
  );

  it('accepts an override host once it is allowed', async () => {
    const s = await sim();
    const ctx = contextFor(s, {}, { allowedHosts: ['127.0.0.1'] });
    await expect(connector.check(ctx)).resolves.toBeDefined();
    await expect(connector.check({ ...ctx, allowedHosts: ['zohoapis.com'] })).rejects.toBeInstanceOf(
      InvalidConfigurationError,
    );
  });
});
