import { startZohoCrmSimulator, type ZohoCrmSimulator } from '@leadsync/connectors/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSucceeded, type Fixture, totals } from '../testing/fixture.ts';
import { createZohoCrmFixture, withZohoCrmSimulator, zohoCrmSource } from '../testing/sources.ts';

// Issue 21: the Zoho CRM connector through the real engine, composed like any other (no engine change for it).
const MAPPING = [
  { source: 'Email', target: 'email' },
  { source: 'First_Name', target: 'firstName' },
  { source: 'Last_Name', target: 'lastName' },
  { source: 'Company', target: 'fields.company' },
  { source: 'Interests', target: 'fields.interests' },
];
const TRADE_SHOW = { match: 'all', rules: [{ field: 'Lead_Source', op: 'is', value: 'Trade Show' }] };

describe('Zoho CRM leads through the engine', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createZohoCrmFixture({ planDailyQuota: true });
  });
  afterAll(() => f?.close());

  async function syncOn(sim: ZohoCrmSimulator, organizationId = f.org.id, deletionCheckHours?: number) {
    return f.createSyncOver(zohoCrmSource(sim), {
      organizationId,
      importMode: 'criteria',
      criteria: TRADE_SHOW,
      fieldMapping: MAPPING,
      deletionCheckHours,
    });
  }

  it('imports the Trade Show leads, then only what changed, and a deleted lead leaves the list', async () => {
    await withZohoCrmSimulator({ seed: 21, recordsPerModule: { Leads: 1_500, Contacts: 0 } }, async (sim) => {
      const { sync, list } = await syncOn(sim, f.org.id, 0);
      const tradeShow = sim.records('Leads').filter((r) => r.Lead_Source === 'Trade Show');
      const first = await f.run(sync.id);
      assertSucceeded(first);
      expect(first.total).toBe(tradeShow.length);
      expect(first.newLeads).toBeGreaterThan(0);
      const emails = await f.listEmails(list.id);
      expect(emails.length).toBe(first.newLeads);

      const again = await f.run(sync.id);
      expect(again.status, again.error ?? '').toBe('succeeded');
      expect(again.newLeads).toBe(0);

      const gone = tradeShow.find(
        (r) => typeof r.Email === 'string' && emails.includes(r.Email.toLowerCase()),
      );
      if (!gone) throw new Error('the seed gives no imported Trade Show lead');
      sim.deleteRecord('Leads', gone.id);
      const third = await f.run(sync.id);
      expect(third.status, third.error ?? '').toBe('succeeded');
      expect(third.deleted).toBe(1);
      expect(await f.listEmails(list.id)).not.toContain(String(gone.Email).toLowerCase());
    });
  }, 60_000);

  it('a run that meets the daily credits waits, then ends with the totals of a run that did not', async () => {
    const common = { seed: 22, recordsPerModule: { Leads: 3_000, Contacts: 0 } };
    // 12 credits a "day" of 4 s (a scaled clock): the read needs 15 pages.
    const limited = await startZohoCrmSimulator({
      ...common,
      credits: { limit: 12, enforce: true, periodMs: 4_000 },
    });
    const roomy = await startZohoCrmSimulator({ ...common, credits: { limit: 1_000_000 } });
    try {
      const cleanOrg = await f.createOrganization('crm clean');
      const reference = await f.run((await syncOn(roomy, cleanOrg.id)).sync.id, {
        organizationId: cleanOrg.id,
      });
      expect(reference.status, reference.error ?? '').toBe('succeeded');

      let run = await f.run((await syncOn(limited)).sync.id);
      expect(run.status, run.error ?? '').toBe('waiting');
      expect(run.waitingReason).toBe('daily API credits of the Zoho CRM organization reached');
      for (let i = 0; i < 10 && run.status === 'waiting'; i++) {
        await new Promise((r) => setTimeout(r, Math.max(0, run.waitingUntil!.getTime() - Date.now() + 50)));
        run = await f.engine.executeRun(run.id);
      }
      assertSucceeded(run);
      expect(totals(run)).toEqual(totals(reference));
      expect(limited.requests().filter((r) => r.status === 429)).toHaveLength(0);
    } finally {
      await limited.close();
      await roomy.close();
    }
  }, 120_000);
});
