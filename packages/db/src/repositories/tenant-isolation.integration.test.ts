import { describe, expect, it } from 'vitest';
import { leads } from '../schema/leads.ts';
import { seedOrganization, syncInput, useTestDatabase } from '../test-support.ts';
import { ConnectionRepository } from './connections.ts';
import { isForeignKeyViolation } from './errors.ts';
import { LeadRepository } from './leads.ts';
import { MailingListRepository } from './mailing-lists.ts';
import { RunRecordRepository } from './run-records.ts';
import { SyncRunRepository } from './sync-runs.ts';
import { SyncRepository } from './syncs.ts';

const t = useTestDatabase();

describe('tenant isolation', () => {
  it('organization A cannot read, change or delete organization B’s rows by id', async () => {
    const a = await seedOrganization(t.db);
    const b = await seedOrganization(t.db);
    const [bLead] = await t.db
      .insert(leads)
      .values({ organizationId: b.organization.id, email: 'b@example.com' })
      .returning();
    const { run: bRun } = await new SyncRunRepository(t.db, b.organization.id).createQueued({
      syncId: b.sync.id,
      trigger: 'manual',
    });
    await new RunRecordRepository(t.db, b.organization.id).insertMany(bRun.id, [
      { seq: 0, sourceId: 's1', email: 'b@example.com', outcome: 'new' },
    ]);
    const orgA = a.organization.id;

    expect(await new LeadRepository(t.db, orgA).get(bLead?.id ?? '')).toBeUndefined();
    expect(await new LeadRepository(t.db, orgA).getMany([bLead?.id ?? ''])).toEqual([]);
    expect(await new MailingListRepository(t.db, orgA).get(b.mailingList.id)).toBeUndefined();
    expect(await new ConnectionRepository(t.db, orgA).get(b.connection.id)).toBeUndefined();
    expect(
      await new ConnectionRepository(t.db, orgA).update(b.connection.id, { name: 'stolen' }),
    ).toBeUndefined();
    expect(await new ConnectionRepository(t.db, orgA).delete(b.connection.id)).toBe(false);
    expect(await new SyncRepository(t.db, orgA).get(b.sync.id)).toBeUndefined();
    expect(await new SyncRepository(t.db, orgA).deactivate(b.sync.id, 'nope')).toBeUndefined();
    expect(await new SyncRepository(t.db, orgA).listByConnection(b.connection.id)).toEqual([]);
    expect(await new SyncRunRepository(t.db, orgA).get(bRun.id)).toBeUndefined();
    expect((await new SyncRunRepository(t.db, orgA).latestBySyncIds([b.sync.id])).size).toBe(0);
    expect((await new SyncRunRepository(t.db, orgA).listBySync(b.sync.id)).totalCount).toBe(0);
    expect((await new RunRecordRepository(t.db, orgA).page(bRun.id)).totalCount).toBe(0);
    expect(await new MailingListRepository(t.db, orgA).addLeads(a.mailingList.id, [bLead?.id ?? ''])).toBe(0);

    // B's rows are untouched.
    expect((await new ConnectionRepository(t.db, b.organization.id).get(b.connection.id))?.name).toBe(
      'Spreadsheet',
    );
    expect((await new SyncRepository(t.db, b.organization.id).get(b.sync.id))?.status).toBe('draft');
  });

  it('a sync cannot point at another organization’s mailing list or connection', async () => {
    const a = await seedOrganization(t.db);
    const b = await seedOrganization(t.db);
    const syncs = new SyncRepository(t.db, a.organization.id);

    const foreignList = await syncs
      .create(syncInput(a.connection.id, b.mailingList.id))
      .catch((e: unknown) => e);
    const foreignConnection = await syncs
      .create(syncInput(b.connection.id, a.mailingList.id))
      .catch((e: unknown) => e);

    expect(isForeignKeyViolation(foreignList, 'syncs_mailing_list_fk')).toBe(true);
    expect(isForeignKeyViolation(foreignConnection, 'syncs_connection_fk')).toBe(true);
  });

  it('ids that are not uuids name no row instead of failing', async () => {
    const a = await seedOrganization(t.db);
    expect(await new SyncRepository(t.db, a.organization.id).get('not-a-uuid')).toBeUndefined();
    expect(await new SyncRunRepository(t.db, a.organization.id).get("1' or '1'='1")).toBeUndefined();
  });
  it('the statements built once (the syncs query’s) take each caller’s organization and run in its transaction', async () => {
    const a = await seedOrganization(t.db);
    const b = await seedOrganization(t.db);
    const ids = {
      connections: [a.connection.id, b.connection.id],
      lists: [a.mailingList.id, b.mailingList.id],
    };
    await new SyncRunRepository(t.db, b.organization.id).createQueued({
      syncId: b.sync.id,
      trigger: 'manual',
    });
    for (const org of [a, b]) {
      const id = org.organization.id;
      expect((await new SyncRepository(t.db, id).list()).map((s) => s.id)).toEqual([org.sync.id]);
      expect((await new ConnectionRepository(t.db, id).getMany(ids.connections)).map((c) => c.id)).toEqual([
        org.connection.id,
      ]);
      expect((await new MailingListRepository(t.db, id).getMany(ids.lists)).map((l) => l.id)).toEqual([
        org.mailingList.id,
      ]);
    }
    expect([
      ...(await new SyncRunRepository(t.db, a.organization.id).latestBySyncIds([b.sync.id])).keys(),
    ]).toEqual([]);
    expect([
      ...(await new SyncRunRepository(t.db, b.organization.id).latestBySyncIds([b.sync.id])).keys(),
    ]).toEqual([b.sync.id]);

    // On a transaction, the statements see its uncommitted rows; what it rolled back is gone.
    const rolledBack = new Error('roll back');
    await expect(
      t.db.transaction(async (tx) => {
        const list = await new MailingListRepository(tx, a.organization.id).create('Uncommitted');
        const found = await new MailingListRepository(tx, a.organization.id).getMany([list.id]);
        expect(found.map((l) => l.name)).toEqual(['Uncommitted']);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect((await new MailingListRepository(t.db, a.organization.id).list()).map((l) => l.name)).toEqual([
      'Customers',
    ]);
  });
});
