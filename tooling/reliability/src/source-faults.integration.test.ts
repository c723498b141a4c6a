import {
  type SimulatorFault,
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { connections, type SyncRun } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CapturingLogger,
  consistencyViolations,
  createTestHarness,
  type Harness,
  leadCount,
  recordsOf,
  registryWith,
  simulatorSettings,
  type Tenant,
  totals,
} from './support/harness.ts';

/**
 * Source faults through the real engine and the real Zoho Invoice client against the simulator's fault injection.
 * 450 contacts = pages of 200, 200 and 50, so "after page 1" is `afterRequests: 1` (one API call answered).
 */
const ORG = { organization_id: '700000001', name: 'Fault Co' };
const CONTACTS = 450;

describe('source faults during a Zoho Invoice run', () => {
  let h: Harness;
  const logger = new CapturingLogger();
  const sims: ZohoInvoiceSimulator[] = [];
  /** Every client secret and refresh token the simulators handed out, rotated ones included. */
  const secrets = new Set<string>();
  const remember = (sim: ZohoInvoiceSimulator) => {
    secrets.add(sim.credentials.clientSecret);
    secrets.add(sim.credentials.refreshToken);
  };

  beforeAll(async () => {
    h = await createTestHarness({ registry: registryWith(), logger });
  });
  afterEach(async () => {
    for (const sim of sims) remember(sim);
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
  });
  afterAll(async () => {
    await h?.close();
  });

  async function simulator(options: { rateLimit?: { limit: number; windowMs: number } } = {}) {
    const sim = await startZohoInvoiceSimulator({
      seed: 11,
      organizations: [ORG],
      contactsPerOrganization: CONTACTS,
      rateLimit: options.rateLimit ?? false,
      tokenMintLimit: false,
    });
    sims.push(sim);
    remember(sim);
    return sim;
  }

  function zohoTenant(sim: ZohoInvoiceSimulator): Promise<Tenant> {
    return h.tenant({
      connectorId: 'zoho-invoice',
      credentials: sim.credentials,
      settings: simulatorSettings(sim),
      sourceOrganizationId: ORG.organization_id,
    });
  }

  /** A clean run of the simulator's current data in a tenant of its own: the reference. */
  async function reference(sim: ZohoInvoiceSimulator) {
    const tenant = await zohoTenant(sim);
    const run = await tenant.run();
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(await consistencyViolations(h.db, run, tenant.listId)).toEqual([]);
    return { tenant, run, state: await tenant.state() };
  }

  async function expectConsistent(run: SyncRun, tenant: Tenant) {
    expect(await consistencyViolations(h.db, run, tenant.listId)).toEqual([]);
  }

  /** A failed run's error is a sentence for a person: no URL, host, HTTP details, stack or credentials. */
  function expectUserSafeError(run: SyncRun, sim: ZohoInvoiceSimulator) {
    expect(run.status).toBe('failed');
    expect(run.finishedAt).toBeInstanceOf(Date);
    const error = run.error ?? '';
    expect(error.length).toBeGreaterThan(10);
    for (const secret of [
      sim.credentials.clientSecret,
      sim.credentials.refreshToken,
      sim.apiUrl,
      '127.0.0.1',
    ]) {
      expect(error).not.toContain(secret);
    }
    expect(error).not.toMatch(/\bat \S+:\d+|HTTP \d{3}|stack|ECONN|undefined/i);
  }

  /**
   * A run that failed after `pages` committed pages: its checkpoint is the last committed page and its writes are
   * exactly those pages — its records are a strict prefix of the clean run's records (same source order), and the
   * tenant's leads are the run's own new records, nothing beyond. (Pages hold up to 200 contacts; keyset paging
   * drops a boundary contact already delivered, so a page can hold 199.)
   */
  async function expectCommittedPages(run: SyncRun, tenant: Tenant, pages: number, reference: SyncRun) {
    await expectConsistent(run, tenant);
    expect(run.processedCount).toBeGreaterThan((pages - 1) * 200);
    expect(run.processedCount).toBeLessThanOrEqual(pages * 200);
    expect(run.readCount).toBe(run.processedCount);
    const checkpoint = run.checkpoint as { phase: string; source?: unknown };
    expect(checkpoint.phase).toBe('read');
    expect(checkpoint.source).toMatchObject({ lastModifiedTime: expect.any(String) });
    const records = await recordsOf(h.db, run.id);
    const clean = await recordsOf(h.db, reference.id);
    expect(records.map((r) => [r.seq, r.sourceId, r.outcome, r.reason])).toEqual(
      clean.slice(0, records.length).map((r) => [r.seq, r.sourceId, r.outcome, r.reason]),
    );
    const created = new Set(records.filter((r) => r.outcome === 'new').map((r) => r.email));
    expect(await leadCount(h.db, tenant.organizationId)).toBe(created.size);
    // Source records: only ones the committed pages read, and every imported one of them.
    const state = await tenant.state();
    const read = new Set(records.map((r) => r.sourceId));
    expect(Object.keys(state.tracked).filter((id) => !read.has(id))).toEqual([]);
    for (const r of records.filter((r) => r.outcome === 'new'))
      expect(state.tracked[r.sourceId]).toBe(r.email);
    expect([...state.members].sort()).toEqual([...created].sort());
  }

  /** Executing the sync again after a failure ends where a clean run ends: same leads, list and tracked records. */
  async function expectRetryMatches(
    tenant: Tenant,
    failed: SyncRun,
    ref: Awaited<ReturnType<typeof reference>>,
  ) {
    const retry = await tenant.run();
    expect(retry.status, retry.error ?? '').toBe('succeeded');
    await expectConsistent(retry, tenant);
    expect(retry.total).toBe(ref.run.total);
    expect(retry.ignored).toBe(ref.run.ignored);
    expect(retry.newLeads + failed.newLeads).toBe(ref.run.newLeads);
    expect(await tenant.state()).toEqual(ref.state);
    return retry;
  }

  async function faultedRun(sim: ZohoInvoiceSimulator, faults: SimulatorFault[]) {
    const ref = await reference(sim);
    const tenant = await zohoTenant(sim);
    for (const fault of faults) sim.injectFault(fault);
    const run = await tenant.run();
    return { ref, tenant, run };
  }

  it('a burst of 5xx answers shorter than the retry budget is absorbed: same report as a clean run', async () => {
    const sim = await simulator();
    const { ref, tenant, run } = await faultedRun(sim, [
      { type: 'status', status: 503, path: '/contacts', afterRequests: 1, count: 3 },
    ]);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(totals(run)).toEqual(totals(ref.run));
    await expectConsistent(run, tenant);
    expect(await tenant.state()).toEqual(ref.state);
    expect(sim.requests.filter((r) => r.status === 503)).toHaveLength(3);
  });

  it('a 5xx burst longer than the retry budget fails the run cleanly after page 1; the next run completes it', async () => {
    const sim = await simulator();
    const { ref, tenant, run } = await faultedRun(sim, [
      { type: 'status', status: 500, path: '/contacts', afterRequests: 1, count: 50 },
    ]);
    expectUserSafeError(run, sim);
    expect(run.error).toMatch(/unavailable/i);
    await expectCommittedPages(run, tenant, 1, ref.run);
    // A finished run stays finished: executing it again changes nothing.
    expect(totals(await h.engine.executeRun(run.id))).toEqual(totals(run));
    sim.clearFaults();
    await expectRetryMatches(tenant, run, ref);
  });

  it('network errors (socket destroyed) are retried: same report as a clean run', async () => {
    const sim = await simulator();
    const { ref, tenant, run } = await faultedRun(sim, [
      { type: 'networkError', path: '/contacts', afterRequests: 1, count: 2 },
    ]);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(totals(run)).toEqual(totals(ref.run));
    expect(await tenant.state()).toEqual(ref.state);
  });

  it('slow answers, one beyond the request timeout, are waited for or retried: same report as a clean run', async () => {
    const sim = await simulator();
    const { ref, tenant, run } = await faultedRun(sim, [
      { type: 'delay', ms: 300, path: '/contacts', afterRequests: 0, count: 2 },
      // FAST_ZOHO's request timeout is 1.5 s: this answer comes too late, the request is sent again.
      { type: 'delay', ms: 2_500, path: '/contacts', afterRequests: 2, count: 1 },
    ]);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(totals(run)).toEqual(totals(ref.run));
    await expectConsistent(run, tenant);
    expect(await tenant.state()).toEqual(ref.state);
  });

  it('access tokens expiring mid-run are refreshed once and the run goes on: same report as a clean run', async () => {
    const sim = await simulator();
    const ref = await reference(sim);
    const tenant = await zohoTenant(sim);
    sim.clearRequests();
    // The tokens expire once page 1 is answered, while page 2 is held back: pages 2 and 3 meet an expired token
    // whenever the engine asks for them (it reads ahead of its writes).
    sim.injectFault({ type: 'delay', ms: 300, path: '/contacts', afterRequests: 1, count: 1 });
    const expiring = setInterval(() => {
      if (sim.requests.some((r) => r.path.endsWith('/contacts'))) {
        sim.expireAccessTokens();
        clearInterval(expiring);
      }
    }, 2);
    const run = await tenant.run().finally(() => clearInterval(expiring));
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(totals(run)).toEqual(totals(ref.run));
    expect(await tenant.state()).toEqual(ref.state);
    expect(sim.requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(sim.requests.filter((r) => r.path.endsWith('/oauth/v2/token')).length).toBe(1);
  });

  it('malformed JSON on page 2 fails the run with a user-safe error, page 1 kept; the next run completes it', async () => {
    const sim = await simulator();
    const { ref, tenant, run } = await faultedRun(sim, [
      { type: 'malformedJson', path: '/contacts', afterRequests: 1, count: 1 },
    ]);
    expectUserSafeError(run, sim);
    await expectCommittedPages(run, tenant, 1, ref.run);
    await expectRetryMatches(tenant, run, ref);
  });

  it('429 with Retry-After from the per-minute limit is waited out: same report as a clean run', async () => {
    // Two requests a second per organization: the reference sees no limit (same seed, same data).
    const plain = await simulator();
    const ref = await reference(plain);
    const limited = await simulator({ rateLimit: { limit: 2, windowMs: 1_000 } });
    const tenant = await zohoTenant(limited);
    const started = Date.now();
    const run = await tenant.run();
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(limited.requests.some((r) => r.status === 429)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(totals(run)).toEqual(totals(ref.run));
    await expectConsistent(run, tenant);
    expect(await tenant.state()).toEqual(ref.state);
  });

  it('a Retry-After longer than the client accepts fails the run cleanly; the next run completes it', async () => {
    const sim = await simulator();
    const { ref, tenant, run } = await faultedRun(sim, [
      { type: 'rateLimit', retryAfterSeconds: 3_600, path: '/contacts', afterRequests: 2, count: 1 },
    ]);
    expectUserSafeError(run, sim);
    expect(run.error).toMatch(/slow down|later|limit/i);
    await expectCommittedPages(run, tenant, 2, ref.run);
    await expectRetryMatches(tenant, run, ref);
  });

  it('a key rotated mid-run fails the run, the connection needs a new key; with the new key the sync completes', async () => {
    const sim = await simulator();
    const { ref, tenant, run } = await faultedRun(sim, [{ type: 'rotateKey', afterRequests: 1 }]);
    expectUserSafeError(run, sim);
    expect(run.error).toMatch(/account key/);
    await expectCommittedPages(run, tenant, 1, ref.run);
    const [connection] = await h.db.select().from(connections).where(eq(connections.id, tenant.connectionId));
    expect(connection?.status).toBe('needs_new_key');
    // Until the key is replaced, a run does not even reach the source.
    const before = sim.requests.length;
    const refused = await tenant.run();
    expect(refused.status).toBe('failed');
    expect(sim.requests.length).toBe(before);
    await tenant.replaceCredentials(sim.credentials);
    await expectRetryMatches(tenant, run, ref);
  });

  it('contacts deleted mid-run: read ones are imported and deleted by the next run, unread ones never appear', async () => {
    const sim = await simulator();
    const ref = await reference(sim);
    const records = await recordsOf(h.db, ref.run.id);
    const emailCount = new Map<string, number>();
    for (const r of records) if (r.email) emailCount.set(r.email, (emailCount.get(r.email) ?? 0) + 1);
    const unique = (r: (typeof records)[number]) => r.outcome === 'new' && emailCount.get(r.email!) === 1;
    const early = records.slice(0, 200).find(unique)!;
    const late = records.slice(400).find(unique)!;
    expect(early && late).toBeTruthy();

    const tenant = await zohoTenant(sim);
    sim.injectFault({
      type: 'deleteContacts',
      organizationId: ORG.organization_id,
      contactIds: [early.sourceId, late.sourceId],
      afterRequests: 1,
    });
    const run = await tenant.run();
    expect(run.status, run.error ?? '').toBe('succeeded');
    await expectConsistent(run, tenant);
    expect(run.total).toBe(CONTACTS - 1);
    const seen = new Set((await recordsOf(h.db, run.id)).map((r) => r.sourceId));
    expect(seen.has(early.sourceId)).toBe(true);
    expect(seen.has(late.sourceId)).toBe(false);

    // The next run sees the deletion; the tenant then matches a clean run over the data as it is now.
    const next = await tenant.run();
    expect(next.status, next.error ?? '').toBe('succeeded');
    await expectConsistent(next, tenant);
    expect(next.deleted).toBe(1);
    expect(next.newLeads).toBe(0);
    const now = await reference(sim);
    const state = await tenant.state();
    expect(state.members).toEqual(now.state.members);
    expect(state.tracked).toEqual(now.state.tracked);
    expect(state.leads[early.email!]?.status).toBe('deleted');
  });

  it('contacts modified mid-run: no record is read twice, and the next run ends where a clean run ends', async () => {
    const sim = await simulator();
    const ref = await reference(sim);
    const records = await recordsOf(h.db, ref.run.id);
    const early = records.slice(0, 200).find((r) => r.outcome === 'new')!;
    const late = records.slice(400).find((r) => r.outcome === 'new')!;
    const tenant = await zohoTenant(sim);
    sim.injectFault({
      type: 'modifyContacts',
      organizationId: ORG.organization_id,
      contactIds: [early.sourceId, late.sourceId],
      patch: { first_name: 'Renamed', last_name: 'Midrun' },
      afterRequests: 1,
    });
    const run = await tenant.run();
    expect(run.status, run.error ?? '').toBe('succeeded');
    await expectConsistent(run, tenant);
    expect(run.total).toBeGreaterThanOrEqual(CONTACTS - 1);
    expect(run.total).toBeLessThanOrEqual(CONTACTS);

    const next = await tenant.run();
    expect(next.status, next.error ?? '').toBe('succeeded');
    await expectConsistent(next, tenant);
    const now = await reference(sim);
    expect(await tenant.state()).toEqual(now.state);
    expect(now.state.leads[early.email!]).toMatchObject({ firstName: 'Renamed', lastName: 'Midrun' });
    expect(now.state.leads[late.email!]).toMatchObject({ firstName: 'Renamed', lastName: 'Midrun' });
  });

  it('a failure while listing ids for deletion detection applies no deletion; the next run applies it once', async () => {
    const sim = await simulator();
    const ref = await reference(sim);
    const tenant = await zohoTenant(sim);
    const first = await tenant.run();
    expect(first.status, first.error ?? '').toBe('succeeded');
    const records = await recordsOf(h.db, ref.run.id);
    const emailCount = new Map<string, number>();
    for (const r of records) if (r.email) emailCount.set(r.email, (emailCount.get(r.email) ?? 0) + 1);
    const gone = records.find((r) => r.outcome === 'new' && emailCount.get(r.email!) === 1)!;
    sim.deleteContact(ORG.organization_id, gone.sourceId);
    const before = await tenant.state();

    // The incremental read is one request; the full listing for deletions comes after it and fails for good.
    sim.clearRequests();
    sim.injectFault({ type: 'status', status: 503, path: '/contacts', afterRequests: 1, count: 50 });
    const failed = await tenant.run();
    expectUserSafeError(failed, sim);
    await expectConsistent(failed, tenant);
    expect(failed.deleted).toBe(0);
    expect(failed.checkpoint).toMatchObject({ phase: 'deletes' });
    expect(await tenant.state()).toEqual(before);

    sim.clearFaults();
    const next = await tenant.run();
    expect(next.status, next.error ?? '').toBe('succeeded');
    await expectConsistent(next, tenant);
    expect(next.deleted).toBe(1);
    const state = await tenant.state();
    expect(state.leads[gone.email!]?.status).toBe('deleted');
    expect(state.members).not.toContain(gone.email);
    const now = await reference(sim);
    expect(state.members).toEqual(now.state.members);
    expect(state.tracked).toEqual(now.state.tracked);
  });

  it('no secret of the connection reaches the engine logs during all of the above', () => {
    const text = logger.text();
    expect(logger.lines.length).toBeGreaterThan(5);
    expect(secrets.size).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Zoho-oauthtoken|access_token"\s*:\s*"/);
  });
});
