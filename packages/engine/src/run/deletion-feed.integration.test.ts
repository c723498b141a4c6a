import type { ZohoCrmSimulator } from '@leadsync/connectors/testing';
import { runRecords, syncRuns, syncs } from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSucceeded, type Fixture } from '../testing/fixture.ts';
import { createZohoCrmFixture, withZohoCrmSimulator, zohoCrmSource } from '../testing/sources.ts';

// Issue 21: a connector's deletions feed (Zoho CRM's deleted-records endpoint) instead of a full listing on every
// run; the full listing stays, once per the sync's deletion period, as the fallback for what the feed misses.
const MAPPING = [
  { source: 'Email', target: 'email' },
  { source: 'First_Name', target: 'firstName' },
];

describe('deletions from the source deletions feed', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createZohoCrmFixture();
  });
  afterAll(() => f?.close());

  async function syncOn(sim: ZohoCrmSimulator, deletionGuardPercent?: number) {
    return f.createSyncOver(zohoCrmSource(sim), {
      fieldMapping: MAPPING,
      deletionCheckHours: 24,
      deletionGuardPercent,
    });
  }

  /** Requests of the full id listing (`listIds` asks for Modified_Time only) and of the deletions feed. */
  function counts(sim: ZohoCrmSimulator, from: number) {
    const requests = sim.requests().slice(from);
    return {
      listing: requests.filter((r) => r.path === '/Leads' && r.query.fields === 'Modified_Time').length,
      feed: requests.filter((r) => r.path === '/Leads/deleted').length,
    };
  }

  /** An imported lead of the simulator, by its list email. */
  async function importedLead(sim: ZohoCrmSimulator, listId: string, skip = 0) {
    const emails = await f.listEmails(listId);
    const found = sim
      .records('Leads')
      .filter((r) => typeof r.Email === 'string' && emails.includes(r.Email.toLowerCase()))[skip];
    if (!found) throw new Error('the seed gives no imported lead');
    return { id: found.id, email: String(found.Email).toLowerCase() };
  }

  it('a lead deleted at the source leaves the list on the next run, without a full listing', async () => {
    await withZohoCrmSimulator({ seed: 210, recordsPerModule: { Leads: 600, Contacts: 0 } }, async (sim) => {
      const { sync, list } = await syncOn(sim);
      const first = await f.run(sync.id);
      expect(first.status, first.error ?? '').toBe('succeeded');
      const gone = await importedLead(sim, list.id);
      sim.deleteRecord('Leads', gone.id);

      const before = sim.requests().length;
      const next = await f.run(sync.id);
      assertSucceeded(next);
      expect(next.deleted).toBe(1);
      expect(next.deletionsChecked).toBe(true);
      expect(await f.listEmails(list.id)).not.toContain(gone.email);
      expect(counts(sim, before)).toEqual({ listing: 0, feed: 1 });
      const deleted = await f.db
        .select({ sourceId: runRecords.sourceId })
        .from(runRecords)
        .where(and(eq(runRecords.runId, next.id), eq(runRecords.outcome, 'deleted')));
      expect(deleted).toEqual([{ sourceId: gone.id }]);
    });
  }, 60_000);

  it('falls back to the full listing once the deletion period has passed, for what the feed missed', async () => {
    await withZohoCrmSimulator({ seed: 211, recordsPerModule: { Leads: 600, Contacts: 0 } }, async (sim) => {
      const { sync, list } = await syncOn(sim);
      expect((await f.run(sync.id)).status).toBe('succeeded');
      const missed = await importedLead(sim, list.id);
      sim.deleteRecord('Leads', missed.id);
      sim.forgetDeletions('Leads');

      let from = sim.requests().length;
      const within = await f.run(sync.id);
      expect(within.status, within.error ?? '').toBe('succeeded');
      expect(within.deleted).toBe(0);
      expect(await f.listEmails(list.id)).toContain(missed.email);
      expect(counts(sim, from)).toEqual({ listing: 0, feed: 1 });

      // The last full listing is older than the sync's period: the next run lists every id.
      await f.db
        .update(syncs)
        .set({ deletionsCheckedAt: new Date(Date.now() - 25 * 3_600_000) })
        .where(eq(syncs.id, sync.id));
      from = sim.requests().length;
      const after = await f.run(sync.id);
      assertSucceeded(after);
      expect(after.deleted).toBe(1);
      expect(after.deletionsChecked).toBe(true);
      expect(await f.listEmails(list.id)).not.toContain(missed.email);
      expect(counts(sim, from).listing).toBeGreaterThan(0);
    });
  }, 60_000);

  it('holds fed deletions past the mass-deletion guard, and applies them once confirmed, still without a listing', async () => {
    await withZohoCrmSimulator({ seed: 212, recordsPerModule: { Leads: 30, Contacts: 0 } }, async (sim) => {
      const { sync, list } = await syncOn(sim, 5);
      expect((await f.run(sync.id)).status).toBe('succeeded');
      const gone = [await importedLead(sim, list.id, 0), await importedLead(sim, list.id, 1)];
      for (const lead of gone) sim.deleteRecord('Leads', lead.id);

      const from = sim.requests().length;
      const held = await f.run(sync.id);
      expect(held.status, held.error ?? '').toBe('succeeded');
      expect(held.heldDeletions).toBe(2);
      expect(held.deleted).toBe(0);
      expect(await f.listEmails(list.id)).toEqual(expect.arrayContaining(gone.map((g) => g.email)));

      // A held run does not move the feed's high-water mark: the confirmed run is told the same deletions again,
      // even when the held run started long (here: an hour) after them.
      await f.db
        .update(syncRuns)
        .set({ startedAt: new Date(Date.now() + 3_600_000) })
        .where(eq(syncRuns.id, held.id));
      await f.db.update(syncs).set({ deletionsConfirmedAt: new Date() }).where(eq(syncs.id, sync.id));
      const confirmed = await f.run(sync.id);
      assertSucceeded(confirmed);
      expect(confirmed.deleted).toBe(2);
      const emails = await f.listEmails(list.id);
      for (const lead of gone) expect(emails).not.toContain(lead.email);
      expect(counts(sim, from)).toEqual({ listing: 0, feed: 2 });
    });
  }, 60_000);
});
