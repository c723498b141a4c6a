import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { countLiveSourceRecords } from '../runs/deletions.ts';
import { sourceRecords } from '../schema/source-records.ts';
import { seedOrganization, syncInput, useTestDatabase } from '../test-support.ts';
import { ConnectionRepository, CREDENTIALS_CHANGED } from './connections.ts';
import { DuplicateMailingListError, MailingListRepository } from './mailing-lists.ts';
import { SyncRunRepository } from './sync-runs.ts';
import { SyncRepository } from './syncs.ts';

const t = useTestDatabase();

type Seeded = Awaited<ReturnType<typeof seedOrganization>>;

describe('connections and their syncs', () => {
  it('a new key reactivates the connection but leaves every active sync inactive until activated', async () => {
    const { organization, connection, mailingList, sync } = await seedOrganization(t.db);
    const syncs = new SyncRepository(t.db, organization.id);
    const connections = new ConnectionRepository(t.db, organization.id);
    const second = await syncs.create(syncInput(connection.id, mailingList.id));
    await syncs.activate(sync.id, new Date('2030-01-01T09:00:00Z'));
    await syncs.activate(second.id);
    const draft = await syncs.create(syncInput(connection.id, mailingList.id));

    expect((await connections.markNeedsNewKey(connection.id))?.status).toBe('needs_new_key');
    const afterReject = await syncs.listByConnection(connection.id);
    expect(afterReject.map((s) => [s.status, s.inactiveReason])).toEqual([
      ['inactive', CREDENTIALS_CHANGED],
      ['inactive', CREDENTIALS_CHANGED],
      ['draft', null],
    ]);
    expect(afterReject[0]?.nextRunAt).toBeNull();

    const replaced = await connections.replaceCredentials(connection.id, {
      credentialsEncrypted: 'sealed:new',
      maskedKey: '…wxyz',
    });
    expect(replaced).toMatchObject({
      status: 'active',
      maskedKey: '…wxyz',
      credentialsEncrypted: 'sealed:new',
    });
    expect((await syncs.get(sync.id))?.status).toBe('inactive');

    const activated = await syncs.activateAllOfConnection(connection.id, { onlyReason: CREDENTIALS_CHANGED });
    expect(activated.map((s) => s.id).sort()).toEqual([sync.id, second.id].sort());
    expect((await syncs.get(draft.id))?.status).toBe('draft');
  });

  it('deactivating all syncs of a connection touches only that connection', async () => {
    const a = await seedOrganization(t.db);
    const syncs = new SyncRepository(t.db, a.organization.id);
    const otherConnection = await new ConnectionRepository(t.db, a.organization.id).create({
      connectorId: 'zoho-invoice',
      name: 'Zoho',
      credentialsEncrypted: 'sealed',
    });
    const elsewhere = await syncs.create(syncInput(otherConnection.id, a.mailingList.id));
    await syncs.activate(a.sync.id);
    await syncs.activate(elsewhere.id);

    const changed = await syncs.deactivateAllOfConnection(a.connection.id, 'manual');

    expect(changed.map((s) => s.id)).toEqual([a.sync.id]);
    expect((await syncs.get(elsewhere.id))?.status).toBe('active');
  });

  it('updates what may change, and finds due syncs by next run time', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const syncs = new SyncRepository(t.db, organization.id);

    const updated = await syncs.update(sync.id, {
      fieldMapping: [
        { source: 'email', target: 'email' },
        { source: 'first_name', target: 'firstName' },
      ],
      updatePolicy: 'fill_empty',
    });
    expect(updated?.fieldMapping).toHaveLength(2);
    expect(updated?.updatePolicy).toBe('fill_empty');
    expect(updated?.updatedAt.getTime()).toBeGreaterThanOrEqual(sync.updatedAt.getTime());

    const activated = await syncs.activate(sync.id, new Date('2020-01-01T00:00:00Z'));
    expect(activated?.nextRunAt?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    await syncs.setNextRunAt(sync.id, null);
    expect((await syncs.get(sync.id))?.nextRunAt).toBeNull();
    await syncs.setNextRunTimes(new Map([[sync.id, new Date('2099-01-01T00:00:00Z')]]));
    expect((await syncs.get(sync.id))?.nextRunAt?.toISOString()).toBe('2099-01-01T00:00:00.000Z');
  });

  it('deleting a sync removes its runs and source records', async () => {
    const { organization, sync } = await seedOrganization(t.db);
    const { run } = await new SyncRunRepository(t.db, organization.id).createQueued({
      syncId: sync.id,
      trigger: 'manual',
    });
    await t.db.insert(sourceRecords).values({
      organizationId: organization.id,
      syncId: sync.id,
      sourceId: '1',
      email: 'a@example.com',
      lastSeenRunId: run.id,
    });
    expect(await countLiveSourceRecords(t.db, { organizationId: organization.id, syncId: sync.id })).toBe(1);

    expect(await new SyncRepository(t.db, organization.id).delete(sync.id)).toBe(true);

    expect(await new SyncRunRepository(t.db, organization.id).get(run.id)).toBeUndefined();
    expect(await countLiveSourceRecords(t.db, { organizationId: organization.id, syncId: sync.id })).toBe(0);
  });
});

describe('mailing lists', () => {
  it('refuses a second list of the same name in any case, but another organization may use it', async () => {
    const a = await seedOrganization(t.db);
    const b = await seedOrganization(t.db);

    await expect(
      new MailingListRepository(t.db, a.organization.id).create('CUSTOMERS'),
    ).rejects.toBeInstanceOf(DuplicateMailingListError);
    expect((await new MailingListRepository(t.db, b.organization.id).create('Prospects')).leadCount).toBe(0);
  });

  it('a sync never puts a bounced or do-not-mail lead on a list; a person may (issue 17)', async () => {
    const { organization, mailingList, sync } = await seedOrganization(t.db);
    const lists = new MailingListRepository(t.db, organization.id);
    const { LeadRepository } = await import('./leads.ts');
    const people = new LeadRepository(t.db, organization.id);
    await people.markBounced(['gone@example.com'], { createMissing: true });
    await people.markDoNotMail(['quiet@example.com'], { createMissing: true });
    const ids = (await people.search()).edges.map((e) => e.node.id);
    expect(ids).toHaveLength(2);
    expect(await lists.addLeads(mailingList.id, ids, sync.id)).toBe(0);
    expect(await lists.addLeads(mailingList.id, ids)).toBe(2);
  });

  it('lists every list with its lead count in one query', async () => {
    const { organization, mailingList } = await seedOrganization(t.db);
    const lists = new MailingListRepository(t.db, organization.id);
    const empty = await lists.create('Empty');
    const { LeadRepository } = await import('./leads.ts');
    await new LeadRepository(t.db, organization.id).markDoNotMail(['l1@example.com', 'l2@example.com'], {
      createMissing: true,
    });
    const leads = await new LeadRepository(t.db, organization.id).search();
    expect(
      await lists.addLeads(
        mailingList.id,
        leads.edges.map((e) => e.node.id),
      ),
    ).toBe(2);
    expect(
      await lists.addLeads(
        mailingList.id,
        leads.edges.map((e) => e.node.id),
      ),
    ).toBe(0);

    const before = t.queries.length;
    const all = await lists.list();
    expect(t.queries.length - before).toBe(1);
    expect(all.map((l) => [l.id, l.leadCount])).toEqual([
      [mailingList.id, 2],
      [empty.id, 0],
    ]);
  });
});

describe('deleting a sync while its run writes', () => {
  /**
   * `remove` while a run's transaction, on a connection of its own, holds its run's row and then touches the sync's:
   * the delete (cascading to the run) holds the sync's row and waits for the run's. The delete waited first, so it is
   * the one PostgreSQL's deadlock check (after deadlock_timeout, 1 s) rolls back. Returns what `remove` answered.
   */
  async function deleteWhileARunWrites(remove: (organizationId: string, seeded: Seeded) => Promise<boolean>) {
    const seeded = await seedOrganization(t.db);
    const { organization, sync } = seeded;
    const { run } = await new SyncRunRepository(t.db, organization.id).createQueued({
      syncId: sync.id,
      trigger: 'manual',
    });
    const runConnection = postgres(t.url, { max: 1, onnotice: () => {} });
    let deleting: Promise<boolean> | undefined;
    try {
      await runConnection.begin(async (tx) => {
        await tx`update sync_runs set total = 1 where id = ${run.id}`;
        deleting = remove(organization.id, seeded);
        deleting.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx`update syncs set name = 'touched by the run' where id = ${sync.id}`;
      });
      return { answer: await deleting, ...seeded };
    } finally {
      await runConnection.end();
    }
  }

  it('retries when PostgreSQL breaks a deadlock with the delete, and deletes the sync', async () => {
    const { answer, organization, sync } = await deleteWhileARunWrites((org, { sync }) =>
      new SyncRepository(t.db, org).delete(sync.id),
    );
    expect(answer).toBe(true);
    expect(await new SyncRepository(t.db, organization.id).get(sync.id)).toBeUndefined();
  }, 20_000);

  it('retries the delete of a connection (and its syncs) the same way', async () => {
    const { answer, organization, connection, sync } = await deleteWhileARunWrites((org, { connection }) =>
      new ConnectionRepository(t.db, org).delete(connection.id),
    );
    expect(answer).toBe(true);
    expect(await new ConnectionRepository(t.db, organization.id).get(connection.id)).toBeUndefined();
    expect(await new SyncRepository(t.db, organization.id).get(sync.id)).toBeUndefined();
  }, 20_000);
});
