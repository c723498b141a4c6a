import {
  fastRegistry,
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connectors/testing';
import { connections, syncs } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertInvariants,
  assertSucceeded,
  createFixture,
  type Fixture,
  totals,
} from '../testing/fixture.ts';
import { zohoInvoiceSource } from '../testing/sources.ts';

const MAPPING = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
  { source: 'company_name', target: 'fields.company' },
];

/** Two simulators with the same seeded contacts: one with a small daily quota on a scaled clock, one without. */
async function simulators() {
  const common = { seed: 11, contactsPerOrganization: 2_500, rateLimit: false as const };
  const limited = await startZohoInvoiceSimulator({
    ...common,
    // 10 calls a "day" of 12 s (a scaled clock), refused past the quota: a run of 2,500 contacts reads 13 pages.
    dailyQuota: { limit: 10, enforce: true, periodMs: 12_000 },
  });
  const clean = await startZohoInvoiceSimulator({ ...common, dailyQuota: { limit: 1_000_000 } });
  return { limited, clean };
}

describe('the daily quota of a Zoho account', () => {
  let f: Fixture;
  let sims: { limited: ZohoInvoiceSimulator; clean: ZohoInvoiceSimulator };
  beforeAll(async () => {
    f = await createFixture({ registry: fastRegistry({ planDailyQuota: true }) });
    sims = await simulators();
  });
  afterAll(async () => {
    await sims?.limited.close();
    await sims?.clean.close();
    await f?.close();
  });

  async function syncOn(sim: ZohoInvoiceSimulator, organizationId: string) {
    const over = await f.createSyncOver(zohoInvoiceSource(sim), { organizationId, fieldMapping: MAPPING });
    return over.sync;
  }

  it('a run that meets the quota waits after its last committed unit, then ends with the totals of a clean run', async () => {
    const cleanOrg = await f.createOrganization('clean');
    const cleanSync = await syncOn(sims.clean, cleanOrg.id);
    const reference = await f.run(cleanSync.id, { organizationId: cleanOrg.id });
    expect(reference.status, reference.error ?? '').toBe('succeeded');

    const sync = await syncOn(sims.limited, f.org.id);
    let run = await f.run(sync.id);
    expect(run.status, run.error ?? '').toBe('waiting');
    expect(run.waitingReason).toBe('daily API quota of the Zoho account reached');
    expect(run.waitingUntil!.getTime()).toBeGreaterThan(Date.now() - 1_000);
    expect(run.waitingUntil!.getTime()).toBeLessThan(Date.now() + 13_000);
    // The units read before the quota was met are written: the run goes on from there.
    expect(run.processedCount).toBeGreaterThanOrEqual(1_000);
    // It stopped before the reserve (10%) was touched: the source never had to refuse a call.
    const limitedOrg = sims.limited.organizations[0]!.organization_id;
    expect(sims.limited.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(sims.limited.requestsToday(limitedOrg)).toBeLessThanOrEqual(9);
    const waits = [run];
    for (let i = 0; i < 5 && run.status === 'waiting'; i++) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, run.waitingUntil!.getTime() - Date.now() + 50)),
      );
      run = await f.engine.executeRun(run.id);
      waits.push(run);
    }
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(waits.length).toBeGreaterThanOrEqual(2);
    assertInvariants(run);
    expect(totals(run)).toEqual(totals(reference));
    expect(sims.limited.requests.filter((r) => r.status === 429)).toHaveLength(0);
  }, 120_000);

  it('a page whose detail requests exceed a day of quota still progresses: runs commit in detail units, not whole pages', async () => {
    // 150 contacts on one list page, a detail field mapped: 151 calls, while a "day" allows 60 (54 above the
    // reserve). Were the page the unit, every day would be spent on the same page and the run would never end.
    const common = { seed: 12, contactsPerOrganization: 150, rateLimit: false as const };
    const small = await startZohoInvoiceSimulator({
      ...common,
      dailyQuota: { limit: 60, enforce: true, periodMs: 3_000 },
    });
    const roomy = await startZohoInvoiceSimulator({ ...common, dailyQuota: { limit: 1_000_000 } });
    try {
      const detailMapping = [...MAPPING, { source: 'billing_address.country', target: 'fields.country' }];
      const syncWithDetail = async (sim: ZohoInvoiceSimulator, organizationId: string) => {
        const sync = await syncOn(sim, organizationId);
        await f.db.update(syncs).set({ fieldMapping: detailMapping }).where(eq(syncs.id, sync.id));
        return sync;
      };
      const cleanOrg = await f.createOrganization('clean details');
      const reference = await f.run((await syncWithDetail(roomy, cleanOrg.id)).id, {
        organizationId: cleanOrg.id,
      });
      expect(reference.status, reference.error ?? '').toBe('succeeded');

      const org = await f.createOrganization('details');
      let run = await f.run((await syncWithDetail(small, org.id)).id, { organizationId: org.id });
      expect(run.status, run.error ?? '').toBe('waiting');
      expect(run.processedCount).toBeGreaterThan(0);
      for (let i = 0; i < 8 && run.status === 'waiting'; i++) {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, run.waitingUntil!.getTime() - Date.now() + 50)),
        );
        run = await f.engine.executeRun(run.id);
      }
      assertSucceeded(run);
      expect(totals(run)).toEqual(totals(reference));
      expect(small.requests.filter((r) => r.status === 429)).toHaveLength(0);
    } finally {
      await small.close();
      await roomy.close();
    }
  }, 120_000);

  it('a missing permission (code 57) sets the connection to needs_permission and deactivates no sync', async () => {
    const sync = await syncOn(sims.clean, f.org.id);
    sims.clean.setScopes(['ZohoInvoice.settings.READ']);
    try {
      const run = await f.run(sync.id);
      expect(run.status).toBe('failed');
      expect(run.error).toContain('ZohoInvoice.contacts.READ and ZohoInvoice.settings.READ are needed');
      const [connection] = await f.db.select().from(connections).where(eq(connections.id, sync.connectionId));
      expect(connection?.status).toBe('needs_permission');
      const [after] = await f.db.select().from(syncs).where(eq(syncs.id, sync.id));
      expect(after?.status).toBe('active');
    } finally {
      sims.clean.setScopes(['ZohoInvoice.contacts.READ', 'ZohoInvoice.settings.READ']);
    }
    // Granted again: the next run succeeds and the connection is active again.
    const again = await f.run(sync.id);
    expect(again.status, again.error ?? '').toBe('succeeded');
    const [connection] = await f.db.select().from(connections).where(eq(connections.id, sync.connectionId));
    expect(connection?.status).toBe('active');
  }, 60_000);
});
