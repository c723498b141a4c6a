import { leads, runRecords, sourceRecords, syncRuns } from '@leadsync/db/schema';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSucceeded, createFixture, csv, type Fixture, totals } from '../testing/fixture.ts';

const HEADER = ['email', 'first_name', 'last_name', 'country'];
const ROWS = [
  ['ann@example.com', 'Ann', 'Lee', 'India'],
  ['', 'Nobody', 'Here', 'India'],
  ['not an email', 'Bad', 'Syntax', 'France'],
  ['john@gnail.com', 'John', 'Typo', 'India'],
  ['info@example.com', 'Front', 'Desk', 'India'],
  [' ANN@Example.com ', 'Ann', 'Again', 'India'],
  ['bob@example.com', 'Bob', 'Bounced', 'India'],
  ['carol@example.com', 'Carol', 'Optout', 'France'],
  ['dave@example.com', 'Dave', 'Back', 'India'],
  ['erin@example.com', 'Erin', 'Known', 'India'],
];

describe('a CSV sync, end to end', () => {
  let f: Fixture;
  let listId: string;
  let connectionId: string;

  beforeAll(async () => {
    f = await createFixture();
    const list = await f.createList('Customers');
    listId = list.id;
    const connection = await f.createConnection('csv', {}, { csv: csv(HEADER, ROWS) });
    connectionId = connection.id;
    await f.db.insert(leads).values([
      { organizationId: f.org.id, email: 'bob@example.com', status: 'bounced' },
      { organizationId: f.org.id, email: 'carol@example.com', status: 'do_not_mail' },
      { organizationId: f.org.id, email: 'dave@example.com', status: 'deleted', firstName: 'David' },
      { organizationId: f.org.id, email: 'erin@example.com', status: 'active', lastName: 'Old' },
    ]);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('produces every outcome and ignored reason, with totals that keep the invariants', async () => {
    const sync = await f.createSync({ connectionId, mailingListId: listId, sourceOrganizationId: 'file' });
    const run = await f.run(sync.id);

    assertSucceeded(run);
    expect(totals(run)).toEqual({
      total: 10,
      newLeads: 1,
      reAdded: 1,
      duplicate: 1,
      ignored: 7,
      deleted: 0,
      ignoredBreakdown: {
        bounced: 1,
        doNotMail: 1,
        groupEmail: 1,
        fileDuplicate: 1,
        emptyEmail: 1,
        invalidPattern: 2,
      },
    });
    const records = await f.db
      .select()
      .from(runRecords)
      .where(eq(runRecords.runId, run.id))
      .orderBy(asc(runRecords.seq));
    expect(records.map((r) => [r.email, r.outcome, r.reason])).toEqual([
      ['ann@example.com', 'new', null],
      [null, 'ignored', 'empty_email'],
      ['not an email', 'ignored', 'invalid_pattern'],
      ['john@gnail.com', 'ignored', 'invalid_pattern'],
      ['info@example.com', 'ignored', 'group_email'],
      ['ann@example.com', 'ignored', 'file_duplicate'],
      ['bob@example.com', 'ignored', 'bounced'],
      ['carol@example.com', 'ignored', 'do_not_mail'],
      ['dave@example.com', 're_added', null],
      ['erin@example.com', 'duplicate', null],
    ]);
    expect(records[3]?.suggestion).toBe('john@gmail.com');

    expect(await f.listEmails(listId)).toEqual(['ann@example.com', 'dave@example.com', 'erin@example.com']);
    const byEmail = await f.leadsByEmail();
    expect(byEmail['ann@example.com']).toMatchObject({ status: 'active', firstName: 'Ann', lastName: 'Lee' });
    expect(byEmail['dave@example.com']).toMatchObject({
      status: 'active',
      firstName: 'Dave',
      lastName: 'Back',
    });
    expect(byEmail['erin@example.com']).toMatchObject({
      status: 'active',
      firstName: 'Erin',
      lastName: 'Known',
    });
    expect(byEmail['bob@example.com']?.status).toBe('bounced');
    expect(byEmail['carol@example.com']?.status).toBe('do_not_mail');
    expect(Object.keys(byEmail)).toHaveLength(5);
    const progress = await f.db.select().from(syncRuns).where(eq(syncRuns.id, run.id));
    expect(progress[0]).toMatchObject({ readCount: 10, processedCount: 10 });
  });

  it('re-running over unchanged data makes no new leads and counts them all as duplicates', async () => {
    const sync = await f.createSync({ connectionId, mailingListId: listId, sourceOrganizationId: 'file' });
    await f.run(sync.id);
    const leadsBefore = await f.leadsByEmail();
    const second = await f.run(sync.id);

    assertSucceeded(second);
    expect(totals(second)).toMatchObject({
      total: 10,
      newLeads: 0,
      reAdded: 0,
      duplicate: 3,
      ignored: 7,
      deleted: 0,
    });
    expect(second.bounced + second.doNotMail).toBe(2);
    expect(await f.leadsByEmail()).toEqual(leadsBefore);
  });
});

describe('deletion at the source', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('turns a removed row into a deleted outcome, and the row coming back into re_added', async () => {
    const list = await f.createList('Newsletter');
    const all = [
      ['ann@example.com', 'Ann', 'Lee', 'India'],
      ['ben@example.com', 'Ben', 'Ode', 'India'],
    ];
    const connection = await f.createConnection('csv', {}, { csv: csv(HEADER, all) });
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
    });
    await f.run(sync.id);

    await f.setSettings(connection.id, { csv: csv(HEADER, [all[1]!]) });
    const deleting = await f.run(sync.id);
    expect(deleting.status).toBe('succeeded');
    expect(totals(deleting)).toMatchObject({ total: 1, duplicate: 1, deleted: 1 });
    const gone = await f.db
      .select()
      .from(runRecords)
      .where(and(eq(runRecords.runId, deleting.id), eq(runRecords.outcome, 'deleted')));
    expect(gone.map((r) => r.email)).toEqual(['ann@example.com']);
    expect(await f.listEmails(list.id)).toEqual(['ben@example.com']);
    expect((await f.leadsByEmail())['ann@example.com']?.status).toBe('deleted');
    const tracked = await f.db.select().from(sourceRecords).where(eq(sourceRecords.syncId, sync.id));
    expect(tracked.filter((r) => r.deletedAt !== null)).toHaveLength(1);

    // A run over the same (shorter) file deletes nothing more.
    const again = await f.run(sync.id);
    expect(totals(again)).toMatchObject({ total: 1, duplicate: 1, deleted: 0 });

    await f.setSettings(connection.id, { csv: csv(HEADER, all) });
    const back = await f.run(sync.id);
    expect(totals(back)).toMatchObject({ total: 2, reAdded: 1, duplicate: 1, deleted: 0 });
    expect(await f.listEmails(list.id)).toEqual(['ann@example.com', 'ben@example.com']);
    expect((await f.leadsByEmail())['ann@example.com']?.status).toBe('active');
  });

  it('keeps a lead that another list holds active when it leaves this one', async () => {
    const list = await f.createList('Events');
    const other = await f.createList('Partners');
    const connection = await f.createConnection(
      'csv',
      {},
      { csv: csv(HEADER, [['zoe@example.com', 'Zoe', 'A', 'x']]) },
    );
    const otherConnection = await f.createConnection(
      'csv',
      {},
      { csv: csv(HEADER, [['zoe@example.com', 'Zoe', 'A', 'x']]) },
    );
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
      // Its one record goes: more than the default share a run may delete unconfirmed.
      deletionGuardPercent: 100,
    });
    const otherSync = await f.createSync({
      connectionId: otherConnection.id,
      mailingListId: other.id,
      sourceOrganizationId: 'file',
    });
    await f.run(sync.id);
    await f.run(otherSync.id);
    await f.setSettings(connection.id, { csv: csv(HEADER, []) });
    const run = await f.run(sync.id);
    expect(totals(run)).toMatchObject({ total: 0, deleted: 1 });
    expect(await f.listEmails(list.id)).toEqual([]);
    expect(await f.listEmails(other.id)).toEqual(['zoe@example.com']);
    expect((await f.leadsByEmail())['zoe@example.com']?.status).toBe('active');
  });
});
