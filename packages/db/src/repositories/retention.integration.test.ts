import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organizations } from '../schema/organizations.ts';
import { runRecords, syncRuns } from '../schema/runs.ts';
import { seedOrganization, useTestDatabase } from '../test-support.ts';
import { LeadTimelineRepository } from './lead-timeline.ts';
import { OrganizationRepository } from './organizations.ts';
import { pruneExpiredRunRecords } from './retention.ts';

const t = useTestDatabase();
const DAY = 86_400_000;

/** A finished run of the sync, `daysAgo` old, with one ignored record of `email`. */
async function runWithRecord(
  seed: Awaited<ReturnType<typeof seedOrganization>>,
  daysAgo: number,
  email: string,
) {
  const at = new Date(Date.now() - daysAgo * DAY);
  const [run] = await t.db
    .insert(syncRuns)
    .values({
      organizationId: seed.organization.id,
      syncId: seed.sync.id,
      trigger: 'manual',
      status: 'succeeded',
      createdAt: at,
      startedAt: at,
      finishedAt: at,
      total: 1,
      ignored: 1,
      groupEmail: 1,
    })
    .returning();
  await t.db.insert(runRecords).values({
    runId: run!.id,
    organizationId: seed.organization.id,
    seq: 0,
    sourceId: `s-${daysAgo}`,
    email,
    outcome: 'ignored',
    reason: 'group_email',
  });
  return run!;
}

describe('run record retention', () => {
  it("prunes the records of runs older than each organization's retention, keeps the runs' totals, and the timeline says so", async () => {
    const a = await seedOrganization(t.db);
    const b = await seedOrganization(t.db);
    await new OrganizationRepository(t.db, b.organization.id).setRunRecordRetention(30);
    const oldA = await runWithRecord(a, 500, 'info@example.com');
    const recentA = await runWithRecord(a, 100, 'info@example.com');
    const oldB = await runWithRecord(b, 40, 'info@example.com');
    const recentB = await runWithRecord(b, 10, 'info@example.com');
    const timelineA = new LeadTimelineRepository(t.db, a.organization.id);
    expect((await timelineA.timeline('info@example.com')).historyPrunedBefore).toBeNull();

    const now = new Date();
    const pruned = await pruneExpiredRunRecords(t.db, { now, runsPerBatch: 1 });

    expect(pruned).toEqual({ runs: 2, records: 2 });
    const left = await t.db.select({ runId: runRecords.runId }).from(runRecords);
    expect(left.map((r) => r.runId).sort()).toEqual([recentA.id, recentB.id].sort());
    const [kept] = await t.db.select().from(syncRuns).where(eq(syncRuns.id, oldA.id));
    expect(kept).toMatchObject({ total: 1, ignored: 1, groupEmail: 1 });
    expect(kept?.recordsPrunedAt?.getTime()).toBe(now.getTime());
    const [recent] = await t.db.select().from(syncRuns).where(eq(syncRuns.id, recentA.id));
    expect(recent?.recordsPrunedAt).toBeNull();

    const story = await timelineA.timeline('info@example.com');
    expect(story.events.edges.map((e) => e.node.runId)).toEqual([recentA.id]);
    expect(story.historyPrunedBefore?.getTime()).toBe(now.getTime() - 400 * DAY);
    const [orgB] = await t.db.select().from(organizations).where(eq(organizations.id, b.organization.id));
    expect(orgB?.runRecordsPrunedBefore?.getTime()).toBe(now.getTime() - 30 * DAY);
    expect(oldB.id).not.toBe(recentB.id);

    // Nothing left to prune: a second pass changes nothing.
    expect(await pruneExpiredRunRecords(t.db, { now })).toEqual({ runs: 0, records: 0 });
  });

  it('leaves runs still queued or running alone, and refuses a retention outside 1..36500 days', async () => {
    const seed = await seedOrganization(t.db);
    const run = await runWithRecord(seed, 1000, 'x@example.com');
    await t.db.update(syncRuns).set({ status: 'running' }).where(eq(syncRuns.id, run.id));
    await pruneExpiredRunRecords(t.db);
    const [count] = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from run_records where run_id = ${run.id}`,
    );
    expect(count?.n).toBe(1);
    await expect(
      new OrganizationRepository(t.db, seed.organization.id).setRunRecordRetention(0),
    ).rejects.toMatchObject({ cause: { code: '23514' } });
  });
});
