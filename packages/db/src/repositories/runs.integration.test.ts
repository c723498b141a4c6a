import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { leads } from '../schema/leads.ts';
import { syncRuns } from '../schema/runs.ts';
import { countQueries, seedOrganization, useTestDatabase } from '../test-support.ts';
import { type RunRecordInput, RunRecordRepository } from './run-records.ts';
import { SyncRunRepository } from './sync-runs.ts';
import { SyncRepository } from './syncs.ts';

const t = useTestDatabase();

describe('SyncRunRepository', () => {
  it('keeps at most one real run queued or running per sync, and returns the active one instead', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const runs = new SyncRunRepository(t.db, organization.id);

    const first = await runs.createQueued({ syncId: sync.id, trigger: 'manual' });
    const second = await runs.createQueued({ syncId: sync.id, trigger: 'schedule' });
    const preview = await runs.createQueued({ syncId: sync.id, trigger: 'preview' });

    expect(first.created).toBe(true);
    expect(second).toEqual({ run: first.run, created: false });
    expect(preview.created).toBe(true);
    expect(preview.run.dryRun).toBe(true);

    expect((await runs.update(first.run.id, { status: 'running' }))?.status).toBe('running');
    expect((await runs.activeRealRun(sync.id))?.id).toBe(first.run.id);
    expect((await runs.createQueued({ syncId: sync.id, trigger: 'manual' })).created).toBe(false);
    await runs.update(first.run.id, { status: 'succeeded', total: 3, newLeads: 3 });
    expect(await runs.activeRealRun(sync.id)).toBeUndefined();
    expect((await runs.createQueued({ syncId: sync.id, trigger: 'manual' })).created).toBe(true);
  });

  it('pages a sync’s runs newest first without losing runs created in the same millisecond', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const runs = new SyncRunRepository(t.db, organization.id);
    // Five runs sharing one millisecond but not one microsecond, plus a dry run that is left out by default.
    await t.db.insert(syncRuns).values(
      [1, 2, 3, 4, 5].map((i) => ({
        organizationId: organization.id,
        syncId: sync.id,
        trigger: 'schedule',
        status: 'succeeded' as const,
        createdAt: sql`timestamptz '2026-01-01 10:00:00.123' + ${i} * interval '100 microseconds'`,
      })),
    );
    await runs.createQueued({ syncId: sync.id, trigger: 'preview' });

    const firstPage = await runs.listBySync(sync.id, { first: 2 });
    const seen = firstPage.edges.map((e) => e.node.id);
    let after = firstPage.pageInfo.endCursor;
    while (after) {
      const page = await runs.listBySync(sync.id, { first: 2, after });
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }

    expect(firstPage.totalCount).toBe(5);
    expect(new Set(seen).size).toBe(5);
    expect((await runs.listBySync(sync.id, { includeDryRuns: true })).totalCount).toBe(6);
  });

  it('finds the latest run of many syncs in one query, skipping previews unless asked', async () => {
    const { organization, connection, mailingList, sync } = await seedOrganization(t.db);
    const syncs = new SyncRepository(t.db, organization.id);
    const other = await syncs.create({
      ...syncFields(sync),
      connectionId: connection.id,
      mailingListId: mailingList.id,
    });
    const idle = await syncs.create({
      ...syncFields(sync),
      connectionId: connection.id,
      mailingListId: mailingList.id,
    });
    const runs = new SyncRunRepository(t.db, organization.id);
    const old = await runs.createQueued({ syncId: sync.id, trigger: 'manual' });
    await runs.update(old.run.id, { status: 'succeeded' });
    const latest = await runs.createQueued({ syncId: sync.id, trigger: 'manual' });
    const preview = await runs.createQueued({ syncId: sync.id, trigger: 'preview' });
    const otherRun = await runs.createQueued({ syncId: other.id, trigger: 'schedule' });

    const { result, queries } = await countQueries(t, () =>
      runs.latestBySyncIds([sync.id, other.id, idle.id]),
    );

    expect(queries).toBe(1);
    expect(result.get(sync.id)?.id).toBe(latest.run.id);
    expect(result.get(other.id)?.id).toBe(otherRun.run.id);
    expect(result.has(idle.id)).toBe(false);
    expect((await runs.latestBySyncIds([sync.id], { includeDryRuns: true })).get(sync.id)?.id).toBe(
      preview.run.id,
    );
  });
});

describe('run_records', () => {
  it('keep the lead, the suggestion and what undo needs', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const { run } = await new SyncRunRepository(t.db, organization.id).createQueued({
      syncId: sync.id,
      trigger: 'manual',
    });
    const [lead] = await t.db
      .insert(leads)
      .values({ organizationId: organization.id, email: 'kept@example.com' })
      .returning();
    const repo = new RunRecordRepository(t.db, organization.id);
    const previous = {
      status: 'deleted',
      firstName: 'Ann',
      fields: { 'a,b': 'x"y', n: 1 },
      wasMember: false,
    };

    await repo.insertMany(run.id, [
      {
        seq: 0,
        sourceId: 'c:1',
        email: 'kept@example.com',
        leadId: lead?.id ?? null,
        outcome: 're_added',
        previous,
      },
      {
        seq: 1,
        sourceId: 'c:2',
        email: 'x@gnail.com',
        outcome: 'ignored',
        reason: 'invalid_pattern',
        suggestion: 'x@gmail.com',
      },
    ]);

    const page = await repo.page(run.id);
    expect(page.edges.map((e) => e.node)).toMatchObject([
      { seq: 0, sourceId: 'c:1', leadId: lead?.id, outcome: 're_added', reason: null, previous },
      {
        seq: 1,
        sourceId: 'c:2',
        leadId: null,
        reason: 'invalid_pattern',
        suggestion: 'x@gmail.com',
        previous: null,
      },
    ]);
  });

  it('holds a reason exactly when the outcome is ignored', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const { run } = await new SyncRunRepository(t.db, organization.id).createQueued({
      syncId: sync.id,
      trigger: 'manual',
    });
    const repo = new RunRecordRepository(t.db, organization.id);

    await expect(
      repo.insertMany(run.id, [{ seq: 0, sourceId: 'a', outcome: 'new', reason: 'bounced' }]),
    ).rejects.toMatchObject({ cause: { constraint_name: 'run_records_reason_only_when_ignored' } });
    await expect(
      repo.insertMany(run.id, [{ seq: 0, sourceId: 'a', outcome: 'ignored' }]),
    ).rejects.toMatchObject({
      cause: { constraint_name: 'run_records_reason_only_when_ignored' },
    });
  });
});

function syncFields(sync: {
  name: string;
  sourceOrganizationId: string;
  importMode: 'all' | 'criteria';
  schedule: object;
  fieldMapping: { source: string; target: string }[];
}) {
  return {
    name: `${sync.name} (copy)`,
    sourceOrganizationId: sync.sourceOrganizationId,
    importMode: sync.importMode,
    schedule: { frequency: 'ONCE' as const, timeZone: 'UTC' },
    fieldMapping: sync.fieldMapping,
  };
}

describe('RunRecordRepository', () => {
  it('pages a run’s records in source order, filtered by outcome and reason, with the total of the filter', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const { run } = await new SyncRunRepository(t.db, organization.id).createQueued({
      syncId: sync.id,
      trigger: 'manual',
    });
    const records: RunRecordInput[] = Array.from({ length: 120 }, (_, seq) => {
      if (seq % 4 === 0) return { seq, sourceId: `c${seq}`, email: `new${seq}@example.com`, outcome: 'new' };
      if (seq % 4 === 1)
        return {
          seq,
          sourceId: `c${seq}`,
          email: 'info@example.com',
          outcome: 'ignored',
          reason: 'group_email',
        };
      if (seq % 4 === 2)
        return {
          seq,
          sourceId: `c${seq}`,
          email: 'same@example.com',
          outcome: 'ignored',
          reason: 'file_duplicate',
        };
      return {
        seq,
        sourceId: `c${seq}`,
        email: 'john@gnail.com',
        outcome: 'ignored',
        reason: 'invalid_pattern',
        suggestion: 'john@gmail.com',
      };
    });
    const repo = new RunRecordRepository(t.db, organization.id);

    expect(await repo.insertMany(run.id, records)).toBe(120);

    const all = await repo.page(run.id, { first: 50 });
    expect(all.totalCount).toBe(120);
    expect(all.edges.map((e) => e.node.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(all.pageInfo.hasNextPage).toBe(true);

    const ignored = await repo.page(run.id, { outcome: 'ignored', first: 40 });
    expect(ignored.totalCount).toBe(90);
    const rest = await repo.page(run.id, {
      outcome: 'ignored',
      first: 100,
      after: ignored.pageInfo.endCursor,
    });
    expect(rest.edges).toHaveLength(50);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(rest.edges[0]?.node.seq).toBeGreaterThan(ignored.edges.at(-1)?.node.seq ?? Infinity);

    const typos = await repo.page(run.id, { reason: 'invalid_pattern', first: 1 });
    expect(typos.totalCount).toBe(30);
    expect(typos.edges[0]?.node).toMatchObject({ seq: 3, suggestion: 'john@gmail.com' });

    const fresh = await repo.page(run.id, { outcome: 'new', first: 5 });
    expect(fresh.totalCount).toBe(30);
    expect(fresh.edges.map((e) => e.node.seq)).toEqual([0, 4, 8, 12, 16]);
    expect((await repo.page(run.id, { outcome: 'new', reason: 'group_email' })).totalCount).toBe(0);

    let streamed = 0;
    for await (const batch of repo.iterate(run.id, { batchSize: 33 })) streamed += batch.length;
    expect(streamed).toBe(120);
  });
});
