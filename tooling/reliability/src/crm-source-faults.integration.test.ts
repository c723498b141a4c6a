import { createConnectorRegistry } from '@leadsync/connector-sdk';
import {
  type SimulatorFault,
  startZohoCrmSimulator,
  type ZohoCrmSimulator,
} from '@leadsync/connector-zoho-crm/simulator';
import { crmSimulatorSettings, fastZohoCrmConnector } from '@leadsync/connector-zoho-crm/testing';
import { connections, type SyncRun } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CapturingLogger,
  CRM_MAPPING,
  consistencyViolations,
  createTestHarness,
  type Harness,
  totals,
} from './support/harness.ts';

/**
 * Source faults of a Zoho CRM run (issue 21) through the real engine and client against the CRM simulator. 450 leads
 * = pages of 200, 200 and 50, and no other API call (the harness's connections store no primary email, so no
 * `GET /users`): "after page 1" is `afterRequests: 1`. Each faulted run is compared with a clean run of the same data in another organization.
 */
const LEADS = 450;

describe('source faults during a Zoho CRM run', () => {
  let h: Harness;
  const logger = new CapturingLogger();
  const sims: ZohoCrmSimulator[] = [];
  const secrets = new Set<string>();

  beforeAll(async () => {
    const connector = fastZohoCrmConnector({
      requestTimeoutMs: 1_500,
      maxRetryAfterMs: 5_000,
      defaultRetryAfterMs: 20,
    });
    h = await createTestHarness({ registry: createConnectorRegistry([connector]), logger });
  });
  afterEach(async () => {
    for (const sim of sims)
      for (const v of [sim.credentials.clientSecret, sim.credentials.refreshToken]) secrets.add(v);
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
  });
  afterAll(async () => {
    // No client secret or refresh token, rotated ones included, in the engine's log lines.
    for (const secret of secrets) expect(logger.text()).not.toContain(secret);
    expect(logger.text()).not.toContain('Zoho-oauthtoken');
    await h?.close();
  });

  async function simulator() {
    const sim = await startZohoCrmSimulator({ seed: 31, recordsPerModule: { Leads: LEADS, Contacts: 0 } });
    sims.push(sim);
    return sim;
  }

  const tenantOf = (sim: ZohoCrmSimulator) =>
    h.tenant({
      connectorId: 'zoho-crm',
      credentials: sim.credentials,
      settings: crmSimulatorSettings(sim),
      sourceOrganizationId: 'Leads',
      fieldMapping: CRM_MAPPING,
    });

  async function faultedRun(sim: ZohoCrmSimulator, faults: SimulatorFault[]) {
    const clean = await tenantOf(sim);
    const reference = await clean.run();
    expect(reference.status, reference.error ?? '').toBe('succeeded');
    const tenant = await tenantOf(sim);
    for (const fault of faults) sim.injectFault(fault);
    const run = await tenant.run();
    expect(await consistencyViolations(h.db, run, tenant.listId)).toEqual([]);
    return { clean, reference, tenant, run };
  }

  async function expectEqualToClean(
    run: SyncRun,
    reference: SyncRun,
    a: { state(): Promise<unknown> },
    b: { state(): Promise<unknown> },
  ) {
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(totals(run)).toEqual(totals(reference));
    expect(await a.state()).toEqual(await b.state());
  }

  // Each fault with the answers it must have caused (status: how many), so a fault that never fired fails the test.
  const cases: [string, SimulatorFault[], Record<number, number>][] = [
    [
      '5xx answers within the retry budget',
      [{ type: 'status', status: 503, path: '/Leads', afterRequests: 1, count: 3 }],
      { 503: 3 },
    ],
    [
      '429s (concurrency) with Retry-After',
      [{ type: 'rateLimit', path: '/Leads', afterRequests: 1, count: 2, retryAfterSeconds: 0 }],
      { 429: 2 },
    ],
    ['dropped connections', [{ type: 'networkError', path: '/Leads', afterRequests: 1, count: 2 }], { 0: 2 }],
    ['a timeout', [{ type: 'delay', ms: 2_500, path: '/Leads', afterRequests: 1 }], {}],
    ['access tokens expiring mid-run', [{ type: 'expireTokens', afterRequests: 1 }], { 401: 1 }],
    ['page tokens expiring mid-run', [{ type: 'expirePageTokens', afterRequests: 1 }], { 400: 1 }],
  ];
  for (const [name, faults, served] of cases) {
    it(`${name}: the run succeeds and ends equal to a clean run`, async () => {
      const sim = await simulator();
      const { clean, reference, tenant, run } = await faultedRun(sim, faults);
      await expectEqualToClean(run, reference, tenant, clean);
      for (const [status, count] of Object.entries(served))
        expect(sim.requests().filter((r) => r.status === Number(status))).toHaveLength(count);
    });
  }

  it('a key revoked mid-run fails the run (page 1 kept), the connection needs a new key; with it the sync completes', async () => {
    const sim = await simulator();
    const { clean, reference, tenant, run } = await faultedRun(sim, [
      { type: 'rotateKey', afterRequests: 1 },
    ]);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/account key/);
    for (const secret of [
      sim.credentials.clientSecret,
      sim.credentials.refreshToken,
      sim.apiUrl,
      '127.0.0.1',
    ])
      expect(run.error).not.toContain(secret);
    expect(run.processedCount).toBe(200);
    const [connection] = await h.db.select().from(connections).where(eq(connections.id, tenant.connectionId));
    expect(connection?.status).toBe('needs_new_key');
    await tenant.replaceCredentials(sim.credentials);
    const next = await tenant.run();
    expect(next.status, next.error ?? '').toBe('succeeded');
    expect(run.newLeads + next.newLeads).toBe(reference.newLeads);
    expect(await tenant.state()).toEqual(await clean.state());
  });

  it('a scope removed from the key: the run fails as a missing permission, no sync deactivated', async () => {
    const sim = await simulator();
    const tenant = await tenantOf(sim);
    sim.setScopes(['ZohoCRM.users.READ']);
    const run = await tenant.run();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/ZohoCRM\.modules\.leads\.READ/);
    const [connection] = await h.db.select().from(connections).where(eq(connections.id, tenant.connectionId));
    expect(connection?.status).toBe('needs_permission');
  });
});
