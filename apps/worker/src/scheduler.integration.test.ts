import { randomBytes } from 'node:crypto';
import { nextRunAt as coreNextRunAt } from '@leadsync/core';
import { createDatabase, type DatabaseHandle } from '@leadsync/db';
import { type Sync, type SyncSchedule, syncRuns, syncs } from '@leadsync/db/schema';
import { createJobScheduler, JOBS_TABLE, type JobScheduler, type NextRunAtFn } from '@leadsync/jobs';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { eq } from 'drizzle-orm';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeEngine, TEST_PAGES_TABLE } from './testing/fake-engine.ts';
import { type SeededOrganization, seedOrganization, seedSync } from './testing/fixtures.ts';
import { waitFor } from './testing/wait.ts';

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;

let tdb: TestDatabase;
let handle: DatabaseHandle;
let seeded: SeededOrganization;
const schedulers: JobScheduler[] = [];

/** The schedule function of the tests: a plan named by the schedule's `timeZone` field, else @leadsync/core's. */
const plans = new Map<string, (after: Date) => Date | null>();
const nextRunAt: NextRunAtFn = (schedule, after, options) => {
  const plan = plans.get(schedule.timeZone);
  return plan ? plan(after) : coreNextRunAt(schedule, after, options);
};

/** Each test's syncs get a schedule whose time zone field names their plan (the function above looks it up). */
function planned(key: string, plan: (after: Date) => Date | null): SyncSchedule {
  plans.set(key, plan);
  return { frequency: 'DAILY', time: '09:00', timeZone: key };
}

async function scheduler(
  options: { connectors?: string[]; pages?: number; pageMs?: number; engine?: boolean } = {},
) {
  const instance = createJobScheduler({
    databaseUrl: tdb.url,
    mongodbUrl: store.mongodbUrl,
    connectors: options.connectors ?? ['zoho-invoice', 'csv'],
    concurrency: 2,
    logger,
    engine:
      options.engine === false
        ? undefined
        : createFakeEngine({
            db: handle.db,
            worker: 'in-process',
            pages: options.pages ?? 2,
            pageMs: options.pageMs ?? 10,
          }),
    nextRunAt,
    processEveryMs: 200,
    busyRetryMs: 200,
  });
  schedulers.push(instance);
  await instance.start();
  return instance;
}

interface StoredJob {
  id: string;
  name: string;
  next_run_at: Date | null;
  locked_at: Date | null;
  kind: string;
}

/** The job store under test: PostgreSQL always; MongoDB only when MONGODB_URL is set (else reported as skipped). */
interface Store {
  mongodbUrl?: string;
  jobsOf(syncId: string): Promise<StoredJob[]>;
  close(): Promise<void>;
}

const postgresStore: Store = {
  async jobsOf(syncId) {
    // drizzle's postgres.js client hands times over as text: read them as dates here.
    const rows = await handle.sql<
      { id: string; name: string; next_run_at: string | null; locked_at: string | null; kind: string }[]
    >`SELECT id, name, next_run_at, locked_at, data->>'kind' AS kind FROM agenda_jobs WHERE data->>'syncId' = ${syncId}`;
    return rows.map((row) => ({
      ...row,
      next_run_at: row.next_run_at === null ? null : new Date(row.next_run_at),
      locked_at: row.locked_at === null ? null : new Date(row.locked_at),
    }));
  },
  close: async () => {},
};

/** A database of its own on the MongoDB server, dropped at the end. */
async function mongoStore(serverUrl: string): Promise<Store> {
  const url = new URL(serverUrl);
  url.pathname = `/leadsync_test_${randomBytes(6).toString('hex')}`;
  const client = await new MongoClient(url.toString()).connect();
  return {
    mongodbUrl: url.toString(),
    async jobsOf(syncId) {
      const docs = await client.db().collection(JOBS_TABLE).find({ 'data.syncId': syncId }).toArray();
      return docs.map((doc) => ({
        id: String(doc._id),
        name: String(doc.name),
        next_run_at: doc.nextRunAt ?? null,
        locked_at: doc.lockedAt ?? null,
        kind: String(doc.data?.kind),
      }));
    },
    async close() {
      await client.db().dropDatabase();
      await client.close();
    },
  };
}

let store: Store = postgresStore;
const jobsOf = (syncId: string) => store.jobsOf(syncId);

async function runsOf(syncId: string) {
  return handle.db.select().from(syncRuns).where(eq(syncRuns.syncId, syncId));
}

async function storedNextRunAt(syncId: string) {
  const [row] = await handle.db
    .select({ nextRunAt: syncs.nextRunAt })
    .from(syncs)
    .where(eq(syncs.id, syncId));
  return row?.nextRunAt ?? null;
}

async function pagesOf(runId: string) {
  return handle.sql<{ page: number; count: number }[]>`
    SELECT page, count(*)::int AS count FROM test_pages WHERE run_id = ${runId} GROUP BY page ORDER BY page`;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = createDatabase(tdb.url, { max: 4 });
  await handle.db.execute(TEST_PAGES_TABLE);
  seeded = await seedOrganization(handle.db, ['zoho-invoice', 'csv']);
});

afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((instance) => instance.stop()));
});

afterAll(async () => {
  await handle?.close();
  await tdb?.drop();
});

function schedulingSuite() {
  describe('scheduling syncs', () => {
    it('stores exactly one job per sync at its next run time, also when two processes schedule it at once', async () => {
      const due = new Date(Date.now() + 5 * HOUR);
      const sync = await seedSync(handle.db, seeded, 'zoho-invoice', {
        schedule: planned('one-job', () => due),
      });
      const [a, b] = await Promise.all([scheduler({ engine: false }), scheduler({ engine: false })]);

      await Promise.all([a?.scheduleSync(sync), b?.scheduleSync(sync), a?.scheduleSync(sync)]);
      await a?.scheduleSync(sync);

      const jobs = await jobsOf(sync.id);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]?.name).toBe('sync.run:zoho-invoice');
      expect(jobs[0]?.kind).toBe('schedule');
      expect(jobs[0]?.next_run_at?.getTime()).toBe(due.getTime());
      expect((await storedNextRunAt(sync.id))?.getTime()).toBe(due.getTime());
    });

    it("books the next run that @leadsync/core computes, in the sync's time zone", async () => {
      const schedule = {
        frequency: 'WEEKLY',
        time: '07:30',
        timeZone: 'America/New_York',
        weekday: 1,
      } as const;
      const sync = await seedSync(handle.db, seeded, 'zoho-invoice', { schedule });
      const instance = await scheduler({ engine: false });

      const next = await instance.scheduleSync(sync);

      const local = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(next ?? undefined);
      expect(local).toBe('Mon 07:30');
      expect(next?.getTime()).toBeGreaterThan(Date.now());
      expect(next?.getTime()).toBeLessThanOrEqual(Date.now() + 7 * 24 * HOUR);
      expect((await jobsOf(sync.id))[0]?.next_run_at?.getTime()).toBe(next?.getTime());
      expect((await storedNextRunAt(sync.id))?.getTime()).toBe(next?.getTime());
    });

    it('moves the same job when the schedule changes', async () => {
      let due = new Date(Date.now() + 2 * HOUR);
      const sync = await seedSync(handle.db, seeded, 'csv', { schedule: planned('moves', () => due) });
      const instance = await scheduler({ engine: false });
      await instance.scheduleSync(sync);
      const [before] = await jobsOf(sync.id);

      due = new Date(Date.now() + 30 * HOUR);
      await instance.scheduleSync(sync);

      const after = await jobsOf(sync.id);
      expect(after).toHaveLength(1);
      expect(after[0]?.id).toBe(before?.id);
      expect(after[0]?.next_run_at?.getTime()).toBe(due.getTime());
      expect((await storedNextRunAt(sync.id))?.getTime()).toBe(due.getTime());
    });

    it('removes the job when the sync is deactivated or deleted, and clears its next run time', async () => {
      const instance = await scheduler({ engine: false });
      const deactivated = await seedSync(handle.db, seeded, 'zoho-invoice');
      const deleted = await seedSync(handle.db, seeded, 'zoho-invoice');
      await instance.scheduleSync(deactivated);
      await instance.scheduleSync(deleted);
      expect(await jobsOf(deactivated.id)).toHaveLength(1);

      // Deactivation through scheduleSync of the updated row, deletion through unscheduleSync.
      await instance.scheduleSync({ ...deactivated, status: 'inactive' } satisfies Sync);
      await instance.unscheduleSync(deleted.organizationId, deleted.id);

      expect(await jobsOf(deactivated.id)).toHaveLength(0);
      expect(await jobsOf(deleted.id)).toHaveLength(0);
      expect(await storedNextRunAt(deactivated.id)).toBeNull();
      expect(await storedNextRunAt(deleted.id)).toBeNull();
    });
  });

  describe('running scheduled syncs', () => {
    it('runs a due sync once, then books its next run on the job and on the sync', async () => {
      let calls = 0;
      const sync = await seedSync(handle.db, seeded, 'zoho-invoice', {
        schedule: planned('due', (after) =>
          calls++ === 0 ? new Date(Date.now() + 300) : new Date(after.getTime() + HOUR),
        ),
      });
      const instance = await scheduler();
      await instance.scheduleSync(sync);

      const [run] = await waitFor('the scheduled run to succeed', async () => {
        const runs = await runsOf(sync.id);
        return runs.some((r) => r.status === 'succeeded') ? runs : undefined;
      });
      const booked = await waitFor('the next run to be booked', async () => {
        const [job] = await jobsOf(sync.id);
        return job?.next_run_at && job.next_run_at.getTime() > Date.now() + HOUR / 2 && !job.locked_at
          ? job
          : undefined;
      });

      expect(run?.trigger).toBe('schedule');
      expect(await runsOf(sync.id)).toHaveLength(1);
      expect(await pagesOf(run?.id ?? '')).toEqual([
        { page: 0, count: 1 },
        { page: 1, count: 1 },
      ]);
      expect((await storedNextRunAt(sync.id))?.getTime()).toBe(booked.next_run_at?.getTime());
      expect(await jobsOf(sync.id)).toHaveLength(1);
    });

    it('removes the job of a ONCE sync after its run', async () => {
      let calls = 0;
      const sync = await seedSync(handle.db, seeded, 'csv', {
        schedule: planned('once', () => (calls++ === 0 ? new Date(Date.now() + 200) : null)),
      });
      const instance = await scheduler();
      await instance.scheduleSync(sync);

      await waitFor('the job to be removed after the run', async () => (await jobsOf(sync.id)).length === 0);
      expect((await runsOf(sync.id)).map((r) => r.status)).toEqual(['succeeded']);
      expect(await storedNextRunAt(sync.id)).toBeNull();
    });

    it('drops the job of a sync deactivated before its due time instead of running it', async () => {
      const sync = await seedSync(handle.db, seeded, 'csv', {
        schedule: planned('deactivated-late', () => new Date(Date.now() + 200)),
      });
      const enqueuer = await scheduler({ engine: false });
      await enqueuer.scheduleSync(sync);
      // Deactivated behind the scheduler's back (no unscheduleSync): the job must notice and go.
      await handle.db.update(syncs).set({ status: 'inactive' }).where(eq(syncs.id, sync.id));
      await scheduler();

      await waitFor('the stale job to be removed', async () => (await jobsOf(sync.id)).length === 0);
      expect(await runsOf(sync.id)).toHaveLength(0);
    });
  });

  describe('one-off runs and connectors', () => {
    it('a worker takes only the jobs of its connectors', async () => {
      const zohoSync = await seedSync(handle.db, seeded, 'zoho-invoice');
      const csvSync = await seedSync(handle.db, seeded, 'csv');
      const csvWorker = await scheduler({ connectors: ['csv'] });
      const engine = createFakeEngine({ db: handle.db, worker: 'test', pages: 1, pageMs: 1 });
      const zohoRun = await engine.queueRun(seeded.organizationId, zohoSync.id, { trigger: 'manual' });
      const csvRun = await engine.queueRun(seeded.organizationId, csvSync.id, { trigger: 'manual' });
      await csvWorker.enqueueRun(zohoRun, 'zoho-invoice');
      await csvWorker.enqueueRun(csvRun, 'csv');

      await waitFor('the csv run', async () => (await runsOf(csvSync.id))[0]?.status === 'succeeded');
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await runsOf(zohoSync.id))[0]?.status).toBe('queued');

      await scheduler({ connectors: ['zoho-invoice'] });
      await waitFor('the zoho run', async () => (await runsOf(zohoSync.id))[0]?.status === 'succeeded');
    });

    it('executes a queued run exactly once even when enqueued twice, and leaves no job behind', async () => {
      const sync = await seedSync(handle.db, seeded, 'zoho-invoice');
      const engine = createFakeEngine({ db: handle.db, worker: 'test', pages: 3, pageMs: 5 });
      const run = await engine.queueRun(seeded.organizationId, sync.id, { trigger: 'manual' });
      const [a, b] = await Promise.all([scheduler({ pages: 3 }), scheduler({ pages: 3 })]);
      await Promise.all([a?.enqueueRun(run, 'zoho-invoice'), b?.enqueueRun(run, 'zoho-invoice')]);

      await waitFor('the run to succeed', async () => (await runsOf(sync.id))[0]?.status === 'succeeded');
      await waitFor('the one-off job to be removed', async () => (await jobsOf(sync.id)).length === 0);
      expect((await pagesOf(run.id)).map((p) => p.count)).toEqual([1, 1, 1]);
    });

    it('never runs two runs of one sync at the same time: a scheduled run and a manual one do not overlap', async () => {
      let calls = 0;
      const sync = await seedSync(handle.db, seeded, 'zoho-invoice', {
        schedule: planned('overlap', (after) =>
          calls++ === 0 ? new Date(Date.now() + 100) : new Date(after.getTime() + HOUR),
        ),
      });
      const instance = await scheduler({ pages: 4, pageMs: 80 });
      const engine = createFakeEngine({ db: handle.db, worker: 'test', pages: 4, pageMs: 80 });
      const manual = await engine.queueRun(seeded.organizationId, sync.id, { trigger: 'manual' });
      await instance.enqueueRun(manual, 'zoho-invoice');
      await instance.scheduleSync(sync);

      // Either the scheduled occurrence took the queued manual run (one run), or it waited and ran after it (two).
      await waitFor('the schedule to be booked after its run', async () => {
        const [job] = await jobsOf(sync.id);
        const runs = await runsOf(sync.id);
        return job?.next_run_at &&
          job.next_run_at.getTime() > Date.now() + HOUR / 2 &&
          runs.every((r) => r.status === 'succeeded')
          ? job
          : undefined;
      });
      await waitFor('the one-off job to be removed', async () => (await jobsOf(sync.id)).length === 1);
      const spans = await handle.sql<{ run_id: string; first: number; last: number; pages: number }[]>`
        SELECT run_id, extract(epoch FROM min(at))::float8 AS first, extract(epoch FROM max(at))::float8 AS last,
          count(*)::int AS pages FROM test_pages
        WHERE run_id IN (SELECT id FROM sync_runs WHERE sync_id = ${sync.id}) GROUP BY run_id ORDER BY first`;
      expect(spans.length).toBeGreaterThanOrEqual(1);
      expect(spans.every((span) => span.pages === 4)).toBe(true);
      for (let i = 1; i < spans.length; i++) {
        expect(spans[i]?.first).toBeGreaterThan(spans[i - 1]?.last ?? Infinity);
      }
    });
  });

  describe('graceful stop', () => {
    it('drain lets the running page finish, leaves the run resumable, and another worker completes it', async () => {
      const sync = await seedSync(handle.db, seeded, 'csv');
      const first = await scheduler({ pages: 10, pageMs: 150 });
      const engine = createFakeEngine({ db: handle.db, worker: 'test', pages: 10, pageMs: 150 });
      const run = await engine.queueRun(seeded.organizationId, sync.id, { trigger: 'manual' });
      await first.enqueueRun(run, 'csv');
      await waitFor('two pages', async () => (await pagesOf(run.id)).length >= 2);

      const result = await first.drain(5_000);
      expect(result.timedOut).toBe(false);
      const [stopped] = await runsOf(sync.id);
      const done = (await pagesOf(run.id)).length;
      expect(stopped?.status).toBe('running');
      expect(stopped?.checkpoint).toEqual({ page: done });
      expect(done).toBeLessThan(10);
      const [job] = await jobsOf(sync.id);
      expect(job?.locked_at).toBeNull();
      expect(job?.next_run_at?.getTime()).toBeLessThanOrEqual(Date.now());

      await scheduler({ pages: 10, pageMs: 10 });
      await waitFor(
        'the run to be resumed and finished',
        async () => (await runsOf(sync.id))[0]?.status === 'succeeded',
      );
      const pages = await pagesOf(run.id);
      expect(pages.map((p) => p.page)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(pages.every((p) => p.count === 1)).toBe(true);
    });
  });
}

describe('job store: PostgreSQL', () => {
  schedulingSuite();
});

describe.skipIf(!process.env.MONGODB_URL)('job store: MongoDB (MONGODB_URL)', () => {
  beforeAll(async () => {
    store = await mongoStore(process.env.MONGODB_URL ?? '');
  });
  afterAll(async () => {
    await store.close();
    store = postgresStore;
  });
  schedulingSuite();
});
