import { LeadRepository, syncLockKey } from '@leadsync/db';
import { leads, listMemberships, sourceRecords, syncRuns, syncs } from '@leadsync/db/schema';
import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UndoRefusedError } from './errors.ts';
import { createFixture, csv, type Fixture, totals } from './testing/fixture.ts';

const HEADER = ['email', 'first_name', 'city'];
const MAPPING = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
  { source: 'city', target: 'fields.city' },
];

/**
 * Undo keeps every change made after the run (issue 17, section 1): suppressions, another sync's memberships and
 * values, a person's edits. Every change after the run goes through the paths a person or another sync uses (the
 * lead repository's marks, another sync's run), or, for a person's edit of a lead (no API edits a lead yet), an
 * update that sets `updated_at` as every writer of leads does.
 */
// One database for the file: each test has an organization, or at least lists and syncs, of its own.
let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(async () => {
  await f?.close();
});

/** A sync of a CSV file of `rows` (HEADER, MAPPING) into the list. */
async function csvSync(listId: string, rows: string[][], organizationId = f.org.id) {
  const connection = await f.createConnection('csv', {}, { csv: csv(HEADER, rows) }, organizationId);
  const sync = await f.createSync({
    connectionId: connection.id,
    mailingListId: listId,
    sourceOrganizationId: 'file',
    fieldMapping: MAPPING,
    organizationId,
  });
  return { connection, sync };
}

describe('undo keeps what changed after the run', () => {
  async function lead(email: string, organizationId = f.org.id) {
    const [row] = await f.db
      .select()
      .from(leads)
      .where(and(eq(leads.organizationId, organizationId), eq(leads.email, email)));
    return row;
  }

  async function onList(listId: string, email: string, organizationId = f.org.id) {
    const row = await lead(email, organizationId);
    if (!row) return false;
    const [m] = await f.db
      .select()
      .from(listMemberships)
      .where(and(eq(listMemberships.mailingListId, listId), eq(listMemberships.leadId, row.id)));
    return m !== undefined;
  }

  it('a lead the run created or re-added and that was suppressed afterwards stays suppressed', async () => {
    const org = await f.createOrganization('suppressed');
    const list = await f.createList('L', org.id);
    await f.db.insert(leads).values({ organizationId: org.id, email: 'ben@example.com', status: 'deleted' });
    const rows = [
      ['ann@example.com', 'Ann', 'Pune'],
      ['ben@example.com', 'Ben', 'Pune'],
      ['cat@example.com', 'Cat', 'Pune'],
    ];
    const { sync } = await csvSync(list.id, rows, org.id);
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(totals(run)).toMatchObject({ newLeads: 2, reAdded: 1 });

    const repo = new LeadRepository(f.db, org.id);
    await repo.markBounced(['ann@example.com']);
    await repo.markDoNotMail(['ben@example.com']);

    const undone = await f.engine.undoRun(org.id, run.id);
    expect((await lead('ann@example.com', org.id))?.status).toBe('bounced');
    expect((await lead('ben@example.com', org.id))?.status).toBe('do_not_mail');
    // What the run did and nobody touched is reversed.
    expect(await lead('cat@example.com', org.id)).toBeUndefined();
    expect(await onList(list.id, 'ann@example.com', org.id)).toBe(false);
    expect(await onList(list.id, 'ben@example.com', org.id)).toBe(false);
    expect(undone.undoReport).toEqual({
      reversed: 1,
      kept: { suppressed: 2 },
      keptLeads: [
        { email: 'ann@example.com', reason: 'suppressed' },
        { email: 'ben@example.com', reason: 'suppressed' },
      ],
    });

    // The next run over the same data ignores them instead of bringing them back.
    const again = await f.run(sync.id, { organizationId: org.id });
    expect(totals(again)).toMatchObject({ newLeads: 1, reAdded: 0, ignored: 2 });
    expect(totals(again).ignoredBreakdown).toMatchObject({ bounced: 1, doNotMail: 1 });
  });

  it('a lead the run deleted and that was suppressed afterwards is neither reactivated nor put back on the list', async () => {
    const org = await f.createOrganization('deleted then bounced');
    const list = await f.createList('L', org.id);
    const { sync, connection } = await csvSync(
      list.id,
      [
        ['ann@example.com', 'Ann', 'Pune'],
        ['dan@example.com', 'Dan', 'Pune'],
        ['eve@example.com', 'Eve', 'Pune'],
      ],
      org.id,
    );
    await f.run(sync.id, { organizationId: org.id });
    await f.setSettings(connection.id, {
      csv: csv(HEADER, [
        ['ann@example.com', 'Ann', 'Pune'],
        ['eve@example.com', 'Eve', 'Pune'],
      ]),
    });
    const deleting = await f.run(sync.id, { organizationId: org.id });
    expect(deleting.deleted).toBe(1);
    expect((await lead('dan@example.com', org.id))?.status).toBe('deleted');

    await new LeadRepository(f.db, org.id).markBounced(['dan@example.com']);
    const undone = await f.engine.undoRun(org.id, deleting.id);
    expect((await lead('dan@example.com', org.id))?.status).toBe('bounced');
    expect(await onList(list.id, 'dan@example.com', org.id)).toBe(false);
    expect(undone.undoReport?.kept).toEqual({ suppressed: 1 });
  });

  it("another sync's membership on the same list and its field values stay", async () => {
    const org = await f.createOrganization('two syncs');
    const list = await f.createList('Shared', org.id);
    const a = await csvSync(list.id, [['dan@example.com', 'Dan', 'Pune']], org.id);
    const b = await csvSync(list.id, [['dan@example.com', 'Daniel', 'Lyon']], org.id);
    const runA = await f.run(a.sync.id, { organizationId: org.id });
    expect(runA.newLeads).toBe(1);
    const runB = await f.run(b.sync.id, { organizationId: org.id });
    expect(runB.duplicate).toBe(1);

    const undone = await f.engine.undoRun(org.id, runA.id);
    const dan = await lead('dan@example.com', org.id);
    expect(dan).toMatchObject({ status: 'active', firstName: 'Daniel', fields: { city: 'Lyon' } });
    expect(await onList(list.id, 'dan@example.com', org.id)).toBe(true);
    expect(undone.undoReport?.kept).toEqual({ held_by_other_sync: 1 });

    // And B's later deletion takes it off: nobody holds it any more.
    await f.setSettings(b.connection.id, { csv: csv(HEADER, [['zed@example.com', 'Zed', 'Rome']]) });
    const deleting = await f.run(b.sync.id, { organizationId: org.id });
    expect(deleting.deleted).toBe(1);
    expect(await onList(list.id, 'dan@example.com', org.id)).toBe(false);
  });

  it("a person's edit after the run is kept: no restore of older values, no removal of a lead they edited", async () => {
    const org = await f.createOrganization('edited');
    const list = await f.createList('L', org.id);
    await f.db.insert(leads).values({
      organizationId: org.id,
      email: 'erin@example.com',
      firstName: 'Erin',
      fields: { city: 'Paris' },
    });
    const { sync } = await csvSync(
      list.id,
      [
        ['erin@example.com', 'Erinna', 'Lyon'],
        ['finn@example.com', 'Finn', 'Oslo'],
        ['gus@example.com', 'Gus', 'Rome'],
      ],
      org.id,
    );
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(totals(run)).toMatchObject({ newLeads: 2, duplicate: 1 });

    const personEdit = (email: string, city: string) =>
      f.db
        .update(leads)
        .set({ fields: { city }, updatedAt: sql`now()` })
        .where(and(eq(leads.organizationId, org.id), eq(leads.email, email)));
    await personEdit('erin@example.com', 'Nice');
    await personEdit('finn@example.com', 'Bergen');

    const undone = await f.engine.undoRun(org.id, run.id);
    expect(await lead('erin@example.com', org.id)).toMatchObject({
      firstName: 'Erinna',
      fields: { city: 'Nice' },
    });
    expect(await lead('finn@example.com', org.id)).toMatchObject({
      status: 'active',
      fields: { city: 'Bergen' },
    });
    expect(await lead('gus@example.com', org.id)).toBeUndefined();
    expect(undone.undoReport?.kept).toEqual({ changed_after_run: 2 });
    expect(undone.undoReport?.reversed).toBe(1);
  });

  it('a re-added lead that another list holds now stays active; only its membership here goes', async () => {
    const org = await f.createOrganization('other list');
    const list = await f.createList('L', org.id);
    const other = await f.createList('Other', org.id);
    await f.db.insert(leads).values({ organizationId: org.id, email: 'mo@example.com', status: 'deleted' });
    const { sync } = await csvSync(list.id, [['mo@example.com', 'Mo', 'Pune']], org.id);
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(run.reAdded).toBe(1);
    const mo = await lead('mo@example.com', org.id);
    await f.db
      .insert(listMemberships)
      .values({ mailingListId: other.id, leadId: mo!.id, organizationId: org.id });

    const undone = await f.engine.undoRun(org.id, run.id);
    expect((await lead('mo@example.com', org.id))?.status).toBe('active');
    expect(await onList(list.id, 'mo@example.com', org.id)).toBe(false);
    expect(await onList(other.id, 'mo@example.com', org.id)).toBe(true);
    expect(undone.undoReport?.kept).toEqual({ on_other_list: 1 });
  });

  it("a membership a person made is not the sync's to remove, on deletion or on undo", async () => {
    const org = await f.createOrganization('person');
    const list = await f.createList('L', org.id);
    const { sync, connection } = await csvSync(
      list.id,
      [
        ['hal@example.com', 'Hal', 'Pune'],
        ['ida@example.com', 'Ida', 'Pune'],
        ['jon@example.com', 'Jon', 'Pune'],
      ],
      org.id,
    );
    await f.run(sync.id, { organizationId: org.id });
    // A person puts Hal on the list themselves (the membership becomes theirs).
    const hal = await lead('hal@example.com', org.id);
    await f.db
      .update(listMemberships)
      .set({ addedBySyncId: null })
      .where(and(eq(listMemberships.mailingListId, list.id), eq(listMemberships.leadId, hal!.id)));
    await f.setSettings(connection.id, {
      csv: csv(HEADER, [
        ['ida@example.com', 'Ida', 'Pune'],
        ['jon@example.com', 'Jon', 'Pune'],
      ]),
    });
    const deleting = await f.run(sync.id, { organizationId: org.id });
    expect(deleting.deleted).toBe(1);
    expect(await onList(list.id, 'hal@example.com', org.id)).toBe(true);
    expect((await lead('hal@example.com', org.id))?.status).toBe('active');
  });
});

describe('undo and runs of one sync exclude each other', () => {
  let worker: postgres.Sql;
  beforeAll(async () => {
    worker = postgres(f.url, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await worker?.end();
  });

  it('is refused while a run of the sync executes (the worker holds its lock)', async () => {
    const list = await f.createList('Locked');
    const { sync } = await csvSync(list.id, [['kim@example.com', 'Kim', 'X']]);
    const run = await f.run(sync.id);
    const session = await worker.reserve();
    try {
      await session`select pg_advisory_lock(hashtextextended(${syncLockKey(sync.id)}, 0))`;
      await expect(f.engine.undoRun(f.org.id, run.id)).rejects.toBeInstanceOf(UndoRefusedError);
      await session`select pg_advisory_unlock(hashtextextended(${syncLockKey(sync.id)}, 0))`;
    } finally {
      session.release();
    }
    const undone = await f.engine.undoRun(f.org.id, run.id);
    expect(undone.undoneAt).toBeInstanceOf(Date);
  });

  it('holds the lock while it works; a run queued meanwhile starts after it, from the restored high-water mark', async () => {
    const list = await f.createList('Queued meanwhile');
    const { sync } = await csvSync(list.id, [['lou@example.com', 'Lou', 'X']]);
    const first = await f.run(sync.id);
    // Pretend the first run saw a modification time (CSV rows have none), so undo has a mark to restore.
    await f.db
      .update(syncRuns)
      .set({ highWaterMark: new Date('2026-01-02T00:00:00Z') })
      .where(eq(syncRuns.id, first.id));
    const second = await f.run(sync.id);
    await f.db
      .update(syncRuns)
      .set({ highWaterMark: new Date('2026-03-04T00:00:00Z') })
      .where(eq(syncRuns.id, second.id));
    await f.db
      .update(syncs)
      .set({ highWaterMark: new Date('2026-03-04T00:00:00Z') })
      .where(eq(syncs.id, sync.id));

    // Hold the organization's write turn so the undo stops inside its transaction.
    const blocker = await worker.reserve();
    let queued: Awaited<ReturnType<typeof f.engine.queueRun>>;
    let undoing: ReturnType<typeof f.engine.undoRun> | undefined;
    try {
      await blocker`begin`;
      await blocker`update organizations set lead_writes = lead_writes where id = ${f.org.id}`;
      undoing = f.engine.undoRun(f.org.id, second.id);
      undoing.catch(() => {});
      // A worker that picks up a run now finds the sync busy (once the undo has got as far as the write turn).
      const probe = await worker.reserve();
      let busy = false;
      for (let i = 0; i < 100 && !busy; i++) {
        const [row] = await probe<{ locked: boolean }[]>`
          select pg_try_advisory_lock(hashtextextended(${syncLockKey(sync.id)}, 0)) as locked`;
        busy = row?.locked === false;
        if (!busy) {
          await probe`select pg_advisory_unlock(hashtextextended(${syncLockKey(sync.id)}, 0))`;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      probe.release();
      expect(busy).toBe(true);
      queued = await f.engine.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    } finally {
      await blocker`commit`;
      blocker.release();
    }
    const undone = await undoing;
    expect(undone?.undoneAt).toBeInstanceOf(Date);

    const ran = await f.engine.executeRun(queued.id);
    expect(ran.status).toBe('succeeded');
    const checkpoint = ran.checkpoint as { since: string | null };
    // Read from the first run's mark (minus the overlap), not the undone one's.
    expect(new Date(checkpoint.since!).getTime()).toBeLessThan(new Date('2026-01-02T00:00:00Z').getTime());
    const [tracked] = await f.db.select().from(sourceRecords).where(eq(sourceRecords.syncId, sync.id));
    expect(tracked?.deletedAt).toBeNull();
  });
});
