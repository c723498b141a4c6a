import { leads, listMemberships, sourceRecords, syncRuns, syncs } from '@leadsync/db/schema';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UndoRefusedError } from './errors.ts';
import { assertInvariants, createFixture, csv, type Fixture, totals } from './testing/fixture.ts';
import { csvSource } from './testing/sources.ts';

const HEADER = ['email', 'first_name', 'last_name', 'city', 'country'];
const MAPPING = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
  { source: 'last_name', target: 'lastName' },
  { source: 'city', target: 'fields.city' },
  { source: 'country', target: 'fields.country' },
];

// One database for the file: each test has lists and syncs of its own, and compares what it changes.
let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('preview (dry run)', () => {
  it('gives the totals of the real first run and leaves leads, lists and the sync untouched', async () => {
    await f.db.insert(leads).values([
      { organizationId: f.org.id, email: 'old@example.com', status: 'deleted' },
      { organizationId: f.org.id, email: 'known@example.com', firstName: 'Kim' },
      { organizationId: f.org.id, email: 'gone@example.com', status: 'bounced' },
    ]);
    const rows = [
      ['new@example.com', 'N', 'W', 'Pune', 'India'],
      ['old@example.com', 'O', 'L', 'Pune', 'India'],
      ['known@example.com', 'K', 'N', 'Pune', 'India'],
      ['gone@example.com', 'G', 'N', 'Pune', 'India'],
      ['NEW@example.com', 'N', 'W', 'Pune', 'India'],
      ['sales@example.com', 'S', 'S', 'Pune', 'India'],
      ['x@gmial.com', 'X', 'X', 'Pune', 'India'],
    ];
    const { list, sync } = await f.createSyncOver(csvSource({ csv: csv(HEADER, rows) }), {
      fieldMapping: MAPPING,
    });
    const leadsBefore = await f.leadsByEmail();

    const preview = await f.run(sync.id, { dryRun: true });
    expect(preview.status).toBe('succeeded');
    expect(preview.dryRun).toBe(true);
    assertInvariants(preview);
    expect(await f.leadsByEmail()).toEqual(leadsBefore);
    expect(await f.listEmails(list.id)).toEqual([]);
    expect(await f.db.select().from(sourceRecords).where(eq(sourceRecords.syncId, sync.id))).toEqual([]);
    const [syncAfter] = await f.db.select().from(syncs).where(eq(syncs.id, sync.id));
    expect(syncAfter?.highWaterMark).toBeNull();

    const real = await f.run(sync.id);
    expect(totals(real)).toEqual(totals(preview));
    expect(totals(real)).toMatchObject({ newLeads: 1, reAdded: 1, duplicate: 1, ignored: 4 });
    expect(await f.listEmails(list.id)).toEqual(['known@example.com', 'new@example.com', 'old@example.com']);
  });
});

describe('update policy', () => {
  const cases = [
    { policy: 'overwrite', firstName: 'Erinna', lastName: 'Known', fields: { city: 'Lyon', country: 'FR' } },
    { policy: 'fill_empty', firstName: 'Erin', lastName: 'Known', fields: { city: 'Paris', country: 'FR' } },
    { policy: 'never', firstName: 'Erin', lastName: null, fields: { city: 'Paris' } },
  ] as const;

  for (const expected of cases) {
    for (const status of ['active', 'deleted'] as const) {
      const outcome = status === 'active' ? 'duplicate' : 're_added';
      it(`${expected.policy} decides what a ${outcome} lead keeps`, async () => {
        const org = await f.createOrganization(`${expected.policy}-${status}`);
        await f.db.insert(leads).values({
          organizationId: org.id,
          email: 'erin@example.com',
          firstName: 'Erin',
          lastName: null,
          fields: { city: 'Paris' },
          status,
        });
        const erin = csv(HEADER, [['erin@example.com', 'Erinna', 'Known', 'Lyon', 'FR']]);
        const { list, sync } = await f.createSyncOver(csvSource({ csv: erin }), {
          fieldMapping: MAPPING,
          updatePolicy: expected.policy,
          organizationId: org.id,
        });
        const run = await f.run(sync.id, { organizationId: org.id });
        expect(run[outcome === 'duplicate' ? 'duplicate' : 'reAdded']).toBe(1);
        expect((await f.leadsByEmail(org.id))['erin@example.com']).toEqual({
          status: 'active',
          firstName: expected.firstName,
          lastName: expected.lastName,
          fields: expected.fields,
        });
        expect(await f.listEmails(list.id)).toEqual(['erin@example.com']);
      });
    }
  }
});

describe('criteria', () => {
  it('a CRITERIA sync imports only the records in scope and does not count the others', async () => {
    const rows = [
      ['a@example.com', 'A', 'A', 'Pune', 'India'],
      ['b@example.com', 'B', 'B', 'Lyon', 'France'],
      ['', 'C', 'C', 'Pune', 'india'],
    ];
    const { list, sync } = await f.createSyncOver(csvSource({ csv: csv(HEADER, rows) }), {
      fieldMapping: MAPPING,
      importMode: 'criteria',
      criteria: { match: 'all', rules: [{ field: 'country', op: 'is', value: 'India' }] },
    });
    const run = await f.run(sync.id);
    expect(totals(run)).toMatchObject({ total: 2, newLeads: 1, ignored: 1 });
    expect(run.readCount).toBe(3);
    expect(await f.listEmails(list.id)).toEqual(['a@example.com']);
  });
});

describe('undo', () => {
  async function snapshot(listId: string) {
    const memberships = await f.db
      .select({ list: listMemberships.mailingListId, lead: listMemberships.leadId })
      .from(listMemberships)
      .orderBy(asc(listMemberships.mailingListId), asc(listMemberships.leadId));
    return { leads: await f.leadsByEmail(), list: await f.listEmails(listId), memberships };
  }

  it('restores leads, lists and values to before the run, and the same data gives the same totals again', async () => {
    const other = await f.createList('Other list');
    const first = [
      ['ann@example.com', 'Ann', 'A', 'Pune', 'India'],
      ['ben@example.com', 'Ben', 'B', 'Pune', 'India'],
    ];
    const { list, connection, sync } = await f.createSyncOver(csvSource({ csv: csv(HEADER, first) }), {
      fieldMapping: MAPPING,
    });
    const run1 = await f.run(sync.id);
    expect(run1.newLeads).toBe(2);
    const [dave, erin, held] = await f.db
      .insert(leads)
      .values([
        { organizationId: f.org.id, email: 'dave@example.com', status: 'deleted', firstName: 'David' },
        { organizationId: f.org.id, email: 'erin@example.com', firstName: 'Erin', fields: { city: 'Paris' } },
        { organizationId: f.org.id, email: 'hal@example.com', firstName: 'Hal' },
      ])
      .returning();
    await f.db
      .insert(listMemberships)
      .values({ mailingListId: other.id, leadId: held!.id, organizationId: f.org.id });
    expect(dave && erin).toBeTruthy();

    const second = [
      ['ben@example.com', 'Benjamin', 'B', 'Mumbai', 'India'],
      ['dave@example.com', 'Dave', 'D', 'Pune', 'India'],
      ['erin@example.com', 'Erinna', 'E', 'Lyon', 'France'],
      ['cat@example.com', 'Cat', 'C', 'Pune', 'India'],
      ['hal@example.com', 'Hal', 'H', 'Pune', 'India'],
    ];
    await f.setSettings(connection.id, { csv: csv(HEADER, second) });
    const before = await snapshot(list.id);
    const [syncBefore] = await f.db.select().from(syncs).where(eq(syncs.id, sync.id));

    const run2 = await f.run(sync.id);
    expect(totals(run2)).toMatchObject({ total: 5, newLeads: 1, reAdded: 1, duplicate: 3, deleted: 1 });
    expect(await snapshot(list.id)).not.toEqual(before);

    const undone = await f.engine.undoRun(f.org.id, run2.id);
    expect(undone.undoneAt).toBeInstanceOf(Date);
    expect(await snapshot(list.id)).toEqual(before);
    const [syncAfter] = await f.db.select().from(syncs).where(eq(syncs.id, sync.id));
    expect(syncAfter?.highWaterMark).toEqual(syncBefore?.highWaterMark);

    await expect(f.engine.undoRun(f.org.id, run2.id)).rejects.toBeInstanceOf(UndoRefusedError);

    const run3 = await f.run(sync.id);
    expect(totals(run3)).toEqual(totals(run2));

    // run1 is no longer the latest real run: refused.
    await expect(f.engine.undoRun(f.org.id, run1.id)).rejects.toThrow(/latest/);
    const preview = await f.run(sync.id, { dryRun: true });
    await expect(f.engine.undoRun(f.org.id, preview.id)).rejects.toThrow(/preview/);
  });

  it('refuses a failed run', async () => {
    // A CSV file has one source organization, 'file'.
    const { sync } = await f.createSyncOver({
      ...csvSource({ csv: 'email\na@example.com' }),
      sourceOrganizationId: 'nope',
    });
    const run = await f.run(sync.id);
    expect(run.status).toBe('failed');
    expect(run.error).toBeTruthy();
    const [stored] = await f.db.select().from(syncRuns).where(eq(syncRuns.id, run.id));
    expect(stored?.finishedAt).toBeInstanceOf(Date);
    await expect(f.engine.undoRun(f.org.id, run.id)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('refuses a run whose records were pruned (retention): nothing is left to say what to reverse', async () => {
    const { sync } = await f.createSyncOver(csvSource({ csv: 'email\npruned@example.com' }));
    const run = await f.run(sync.id);
    expect(run.status).toBe('succeeded');
    await f.db.update(syncRuns).set({ recordsPrunedAt: new Date() }).where(eq(syncRuns.id, run.id));
    await expect(f.engine.undoRun(f.org.id, run.id)).rejects.toThrow(/pruned/);
  });
});
