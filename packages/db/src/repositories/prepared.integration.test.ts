import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Sql } from 'postgres';
import { describe, expect, it } from 'vitest';
import type { Database } from '../client.ts';
import { connections } from '../schema/connections.ts';
import * as schema from '../schema/index.ts';
import { syncRuns } from '../schema/runs.ts';
import { syncs } from '../schema/syncs.ts';
import { seedOrganization, syncInput, useTestDatabase } from '../test-support.ts';
import { ConnectionRepository } from './connections.ts';
import { MailingListRepository } from './mailing-lists.ts';
import { MAX_PROJECTIONS } from './prepared.ts';
import { SyncRunRepository } from './sync-runs.ts';
import { SyncRepository } from './syncs.ts';

const t = useTestDatabase();

/** An organization whose rows have every kind of column set: JSON, arrays, nulls, timestamps with microseconds. */
async function seedVaried() {
  const { organization, connection, mailingList, sync } = await seedOrganization(t.db);
  const repository = new SyncRepository(t.db, organization.id);
  const second = await repository.create({
    ...syncInput(connection.id, mailingList.id),
    importMode: 'criteria',
    criteria: { operator: 'and', rules: [{ field: 'city', op: 'eq', value: 'Zürich "Ost"' }] },
    retrieveFrom: new Date('1999-12-31T23:59:59.999Z'),
  });
  await repository.activate(second.id, new Date('2031-02-03T04:05:06.789Z'));
  await t.db
    .update(syncs)
    .set({ highWaterMark: sql`'2026-12-04 23:20:30.123456+05:30'::timestamptz` })
    .where(eq(syncs.id, second.id));
  const runs = new SyncRunRepository(t.db, organization.id);
  for (const syncId of [sync.id, second.id]) {
    const { run } = await runs.createQueued({ syncId, trigger: 'manual' });
    await runs.update(run.id, {
      status: 'failed',
      startedAt: new Date(),
      finishedAt: new Date(),
      total: 7,
      error: 'The source answered 500',
    });
  }
  await t.db
    .update(syncRuns)
    .set({ rejections: ['The row on line 3 is not valid CSV', 'ünïcode'], checkpoint: { page: 3 } })
    .where(eq(syncRuns.syncId, second.id));
  return { organization, connection, mailingList, syncIds: [sync.id, second.id] };
}

describe('preparedRows: the statements of the syncs query read the same rows as drizzle', () => {
  it('syncs, connections, mailing lists and last runs equal drizzle’s own mapping of the same select', async () => {
    const { organization, connection, mailingList, syncIds } = await seedVaried();
    const org = organization.id;

    const listed = await new SyncRepository(t.db, org).list();
    const byDrizzle = await t.db
      .select()
      .from(syncs)
      .where(eq(syncs.organizationId, org))
      .orderBy(asc(syncs.createdAt), asc(syncs.id));
    expect(listed).toHaveLength(2);
    expect(listed).toStrictEqual(byDrizzle);
    expect(listed[1]?.highWaterMark).toEqual(new Date('2026-12-04T17:50:30.123Z'));

    expect(await new ConnectionRepository(t.db, org).getMany([connection.id])).toStrictEqual(
      await t.db
        .select()
        .from(connections)
        .where(and(eq(connections.organizationId, org), eq(connections.id, connection.id))),
    );

    const lists = new MailingListRepository(t.db, org);
    expect(await lists.getMany([mailingList.id])).toStrictEqual([await lists.get(mailingList.id)]);

    const latest = await new SyncRunRepository(t.db, org).latestBySyncIds(syncIds);
    for (const syncId of syncIds) {
      const [expected] = await t.db
        .select()
        .from(syncRuns)
        .where(eq(syncRuns.syncId, syncId))
        .orderBy(desc(syncRuns.createdAt))
        .limit(1);
      expect(latest.get(syncId)).toStrictEqual(expected);
    }
    expect(latest.get(syncIds[1] ?? '')?.rejections).toEqual([
      'The row on line 3 is not valid CSV',
      'ünïcode',
    ]);
  });

  it('runs inside a transaction on the transaction, and sees its uncommitted rows', async () => {
    const { organization, connection, mailingList } = await seedOrganization(t.db);
    const outside = new SyncRepository(t.db, organization.id);
    await t.db
      .transaction(async (tx) => {
        const inside = new SyncRepository(tx, organization.id);
        await inside.create(syncInput(connection.id, mailingList.id));
        expect(await inside.list()).toHaveLength(2);
        expect(await outside.list()).toHaveLength(1);
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error && error.message === 'Rollback')) throw error;
      });
    expect(await outside.list()).toHaveLength(1);
  });
});

describe('projection: a list statement for the columns a caller names', () => {
  const pick = <T extends object>(row: T | undefined, keys: readonly string[]) =>
    Object.fromEntries(keys.map((key) => [key, (row as Record<string, unknown>)[key]]));

  it('reads only the named columns, with the values of the whole row, in any order asked', async () => {
    const { organization, syncIds } = await seedVaried();
    const repository = new SyncRepository(t.db, organization.id);
    const full = await repository.list();
    const columns = ['schedule', 'name', 'id', 'highWaterMark', 'criteria'] as const;
    const some = await repository.list(columns);
    expect(some).toHaveLength(full.length);
    some.forEach((row, index) => {
      expect(Object.keys(row)).toEqual(['id', 'name', 'criteria', 'schedule', 'highWaterMark']);
      expect(row).toStrictEqual(pick(full[index], columns));
    });
    expect(await repository.list(undefined)).toStrictEqual(full);

    const runs = new SyncRunRepository(t.db, organization.id);
    const latest = await runs.latestBySyncIds(syncIds);
    const narrow = await runs.latestBySyncIds(syncIds, { columns: ['id', 'status', 'rejections', 'total'] });
    expect([...narrow.keys()].sort()).toEqual([...latest.keys()].sort());
    for (const [syncId, run] of narrow) {
      expect(Object.keys(run).sort()).toEqual(['id', 'rejections', 'status', 'syncId', 'total']);
      expect(run).toStrictEqual(pick(latest.get(syncId), ['id', 'status', 'syncId', 'total', 'rejections']));
    }
  });

  it("pages a sync's runs with only the named columns (and id), the same cursors as whole rows", async () => {
    const { organization, syncIds } = await seedVaried();
    const runs = new SyncRunRepository(t.db, organization.id);
    const syncId = syncIds[1] ?? '';
    for (let i = 0; i < 2; i += 1) await runs.createQueued({ syncId, trigger: 'manual' });
    const whole = await runs.listBySync(syncId, { first: 2 });
    const narrow = await runs.listBySync(syncId, { first: 2, columns: ['status', 'rejections'] });
    expect(narrow.totalCount).toBe(whole.totalCount);
    expect(narrow.pageInfo).toEqual(whole.pageInfo);
    expect(narrow.edges.map((edge) => edge.cursor)).toEqual(whole.edges.map((edge) => edge.cursor));
    narrow.edges.forEach((edge, index) => {
      expect(Object.keys(edge.node).sort()).toEqual(['id', 'rejections', 'status']);
      expect(edge.node).toStrictEqual(pick(whole.edges[index]?.node, ['id', 'status', 'rejections']));
    });
    const next = await runs.listBySync(syncId, {
      first: 2,
      after: narrow.pageInfo.endCursor,
      columns: ['status'],
    });
    const wholeNext = await runs.listBySync(syncId, { first: 2, after: whole.pageInfo.endCursor });
    expect(next.edges.map((edge) => edge.node.id)).toEqual(wholeNext.edges.map((edge) => edge.node.id));
  });

  it('prepares at most MAX_PROJECTIONS column sets per statement, then reads every column; unknown names refused', async () => {
    const { organization } = await seedVaried();
    // A database handle of its own, so that other tests' column sets do not count.
    const client = (t.db as unknown as { $client: Sql }).$client;
    const db: Database = drizzle({ client, schema, casing: 'snake_case' });
    const repository = new SyncRepository(db, organization.id);
    const full = await repository.list();
    const optional = Object.keys(getTableColumns(syncs)).filter((column) => column !== 'id');
    for (let i = 0; i < MAX_PROJECTIONS; i += 1) {
      const rows = await repository.list(['id', optional[i] as keyof (typeof full)[number]]);
      expect(Object.keys(rows[0] ?? {})).toHaveLength(2);
    }
    const again = await repository.list(['id', optional[0] as keyof (typeof full)[number]]);
    expect(Object.keys(again[0] ?? {})).toHaveLength(2);
    expect(await repository.list(['id', optional[MAX_PROJECTIONS] as 'name'])).toStrictEqual(full);
    await expect(repository.list(['id', 'password' as 'name'])).rejects.toThrow('no column password');
  });
});
