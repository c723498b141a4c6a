import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections } from '../schema/connections.ts';
import { syncRuns } from '../schema/runs.ts';
import { syncs } from '../schema/syncs.ts';
import { seedOrganization, syncInput, useTestDatabase } from '../test-support.ts';
import { ConnectionRepository } from './connections.ts';
import { MailingListRepository } from './mailing-lists.ts';
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
