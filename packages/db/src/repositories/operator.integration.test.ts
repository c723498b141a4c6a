import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findRunAnyOrganization } from '../runs/lifecycle.ts';
import { seedOrganization, useTestDatabase } from '../test-support.ts';
import {
  findConnectionAcrossOrganizations,
  findSyncAcrossOrganizations,
  listSyncsAcrossOrganizations,
  runDurationsAcrossOrganizations,
} from './operator.ts';
import { SyncRunRepository } from './sync-runs.ts';

const t = useTestDatabase();

describe('cross-tenant operator queries', () => {
  it('find a sync, run or connection by id alone; with an organization, only in it', async () => {
    const a = await seedOrganization(t.db);
    const b = await seedOrganization(t.db);
    const found = await findSyncAcrossOrganizations(t.db, a.sync.id);
    expect(found).toMatchObject({
      sync: { id: a.sync.id },
      connection: { id: a.connection.id },
      organizationName: a.organization.name,
    });
    expect(await findSyncAcrossOrganizations(t.db, a.sync.id, a.organization.id)).toBeDefined();
    expect(await findSyncAcrossOrganizations(t.db, a.sync.id, b.organization.id)).toBeUndefined();
    expect(await findSyncAcrossOrganizations(t.db, 'not-a-uuid')).toBeUndefined();
    expect(await findSyncAcrossOrganizations(t.db, a.sync.id, 'not-a-uuid')).toBeUndefined();

    const { run } = await new SyncRunRepository(t.db, b.organization.id).createQueued({
      syncId: b.sync.id,
      trigger: 'manual',
    });
    expect((await findRunAnyOrganization(t.db, run.id))?.organizationId).toBe(b.organization.id);
    expect(await findRunAnyOrganization(t.db, randomUUID())).toBeUndefined();
    expect((await findConnectionAcrossOrganizations(t.db, b.connection.id))?.id).toBe(b.connection.id);

    const onlyB = await listSyncsAcrossOrganizations(t.db, b.organization.id);
    expect(onlyB.map((row) => [row.id, row.organization])).toEqual([[b.sync.id, b.organization.name]]);
    const all = (await listSyncsAcrossOrganizations(t.db)).map((row) => row.id);
    expect(all).toEqual(expect.arrayContaining([a.sync.id, b.sync.id]));
  });

  it('count finished real runs into the duration buckets (previews left out)', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const runs = new SyncRunRepository(t.db, organization.id);
    const before = await runDurationsAcrossOrganizations(t.db, [10, 100]);
    const startedAt = new Date('2026-01-01T00:00:00Z');
    for (const [seconds, trigger] of [
      [5, 'manual'],
      [50, 'manual'],
      [5, 'preview'],
    ] as const) {
      const { run } = await runs.createQueued({ syncId: sync.id, trigger });
      await runs.update(run.id, {
        status: 'succeeded',
        startedAt,
        finishedAt: new Date(startedAt.getTime() + seconds * 1000),
      });
    }
    const after = await runDurationsAcrossOrganizations(t.db, [10, 100]);
    expect(after.count - before.count).toBe(2);
    expect(after.sum - before.sum).toBeCloseTo(55);
    expect(after.atMost.map((n, i) => n - (before.atMost[i] ?? 0))).toEqual([1, 2]);
  });
});
