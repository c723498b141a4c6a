import { sourceRecords } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, csv, type Fixture } from '../testing/fixture.ts';
import { killedRun, peopleRows, runResult } from '../testing/resume.ts';
import { csvSource } from '../testing/sources.ts';

describe('resuming an interrupted run', () => {
  let f: Fixture;
  let text: string;
  beforeAll(async () => {
    f = await createFixture();
    // 2,000 rows: 4 CSV pages of 500, two write units.
    text = csv(['email', 'first_name', 'last_name'], peopleRows(2000, 600));
  });
  afterAll(async () => {
    await f?.close();
  });

  async function freshSync() {
    const org = await f.createOrganization(`org-${Math.random()}`);
    const { list, sync } = await f.createSyncOver(csvSource({ csv: text }), { organizationId: org.id });
    return { org, list, sync };
  }

  let reference: Awaited<ReturnType<typeof runResult>>;

  beforeAll(async () => {
    const { org, list, sync } = await freshSync();
    reference = await runResult(f, await f.run(sync.id, { organizationId: org.id }), list.id);
    expect(reference.status).toBe('succeeded');
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
    expect(await runResult(f, done, list.id)).toEqual(reference);
  });

  it('a crash (the heartbeat throws) after a committed page loses nothing and duplicates nothing', async () => {
    const { org, list, sync } = await freshSync();
    const runId = await killedRun(f, org.id, sync.id, 1);
    // Another worker takes the run over: a second queueRun returns the same run, which resumes.
    const again = await f.engine.queueRun(org.id, sync.id, { trigger: 'schedule' });
    expect(again.id).toBe(runId);
    expect(again.status).toBe('running');
    const done = await f.engine.executeRun(runId);
    expect(await runResult(f, done, list.id)).toEqual(reference);
    const tracked = await f.db.select().from(sourceRecords).where(eq(sourceRecords.syncId, sync.id));
    expect(tracked.length).toBe(
      reference.totals.total -
        reference.totals.ignoredBreakdown.groupEmail -
        reference.totals.ignoredBreakdown.invalidPattern -
        reference.totals.ignoredBreakdown.emptyEmail,
    );
  });
});
