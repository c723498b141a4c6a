import { runRecords, sourceRecords } from '@leadsync/db/schema';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertInvariants, createFixture, csv, type Fixture, totals } from '../testing/fixture.ts';

const HEADER = ['email', 'first_name', 'last_name'];

/** 2,000 rows (4 CSV pages of 500) with duplicates across pages, role and invalid addresses. */
function rows(): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < 2000; i++) {
    if (i % 97 === 0) out.push([`info${i}@example.com`.replace(/\d+/, ''), 'Role', `${i}`]);
    else if (i % 89 === 0) out.push([`broken${i}@`, 'Bad', `${i}`]);
    else if (i % 7 === 0) out.push([`person${i - 600 >= 0 ? i - 600 : i}@example.com`, 'Again', `${i}`]);
    else out.push([`person${i}@example.com`, 'P', `${i}`]);
  }
  return out;
}

describe('resuming an interrupted run', () => {
  let f: Fixture;
  let text: string;
  beforeAll(async () => {
    f = await createFixture();
    text = csv(HEADER, rows());
  });
  afterAll(async () => {
    await f?.close();
  });

  async function freshSync() {
    const org = await f.createOrganization(`org-${Math.random()}`);
    const list = await f.createList('List', org.id);
    const connection = await f.createConnection('csv', {}, { csv: text }, org.id);
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
      organizationId: org.id,
    });
    return { org, list, sync };
  }

  async function outcome(orgId: string, listId: string, runId: string) {
    const records = await f.db
      .select({
        seq: runRecords.seq,
        sourceId: runRecords.sourceId,
        outcome: runRecords.outcome,
        reason: runRecords.reason,
      })
      .from(runRecords)
      .where(eq(runRecords.runId, runId))
      .orderBy(asc(runRecords.seq));
    return { leads: await f.leadsByEmail(orgId), list: await f.listEmails(listId), records };
  }

  let reference: { totals: ReturnType<typeof totals>; state: Awaited<ReturnType<typeof outcome>> };

  beforeAll(async () => {
    const { org, list, sync } = await freshSync();
    const run = await f.run(sync.id, { organizationId: org.id });
    expect(run.status).toBe('succeeded');
    assertInvariants(run);
    reference = { totals: totals(run), state: await outcome(org.id, list.id, run.id) };
    expect(reference.totals.ignoredBreakdown.fileDuplicate).toBeGreaterThan(0);
  });

  it('a graceful stop between pages leaves the run running, and executing it again completes it identically', async () => {
    const { org, list, sync } = await freshSync();
    const queued = await f.engine.queueRun(org.id, sync.id, { trigger: 'manual' });
    const stop = new AbortController();
    let pages = 0;
    const stopped = await f.engine.executeRun(queued.id, {
      signal: stop.signal,
      heartbeat: async () => {
        pages++;
        // After the first write unit: 1,000 records, two CSV pages of 500.
        if (pages === 1) stop.abort();
      },
    });
    expect(stopped.status).toBe('running');
    expect(stopped.processedCount).toBe(1000);
    expect(stopped.total).toBe(1000);

    const done = await f.engine.executeRun(queued.id);
    expect(done.status).toBe('succeeded');
    expect(totals(done)).toEqual(reference.totals);
    expect(await outcome(org.id, list.id, done.id)).toEqual(reference.state);
  });

  it('a crash (the heartbeat throws) after a committed page loses nothing and duplicates nothing', async () => {
    const { org, list, sync } = await freshSync();
    const queued = await f.engine.queueRun(org.id, sync.id, { trigger: 'manual' });
    let pages = 0;
    await expect(
      f.engine.executeRun(queued.id, {
        heartbeat: async () => {
          pages++;
          if (pages === 1) throw new Error('lock lost');
        },
      }),
    ).rejects.toThrow('lock lost');
    // Another worker takes the run over: a second queueRun returns the same run, which resumes.
    const again = await f.engine.queueRun(org.id, sync.id, { trigger: 'schedule' });
    expect(again.id).toBe(queued.id);
    expect(again.status).toBe('running');
    const done = await f.engine.executeRun(queued.id);
    expect(done.status).toBe('succeeded');
    expect(totals(done)).toEqual(reference.totals);
    expect(await outcome(org.id, list.id, done.id)).toEqual(reference.state);
    const tracked = await f.db.select().from(sourceRecords).where(eq(sourceRecords.syncId, sync.id));
    expect(tracked.length).toBe(
      reference.totals.total -
        reference.totals.ignoredBreakdown.groupEmail -
        reference.totals.ignoredBreakdown.invalidPattern -
        reference.totals.ignoredBreakdown.emptyEmail,
    );
  });
});
