import { fileURLToPath } from 'node:url';
import { createDatabase, type DatabaseHandle } from '@leadsync/db';
import { syncRuns } from '@leadsync/db/schema';
import { createJobScheduler, type JobScheduler } from '@leadsync/jobs';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeEngine, TEST_PAGES_TABLE } from './testing/fake-engine.ts';
import { type SeededOrganization, seedOrganization, seedSync } from './testing/fixtures.ts';
import { killWorker, startWorkerProcess, type WorkerProcess } from './testing/processes.ts';
import { waitFor } from './testing/wait.ts';

/**
 * Worker processes on one job store (issue 5: SIGTERM / SIGKILL; issue 8: scale-out). The workers are real
 * processes with the real scheduler and signal handling; the engine is the fake one that records every page.
 */
const script = fileURLToPath(new URL('./testing/fake-worker-process.ts', import.meta.url));

let tdb: TestDatabase;
let handle: DatabaseHandle;
let seeded: SeededOrganization;
let enqueuer: JobScheduler;
const workers: WorkerProcess[] = [];

async function worker(label: string, env: Record<string, string> = {}) {
  const started = await startWorkerProcess(script, label, { DATABASE_URL: tdb.url, ...env });
  workers.push(started);
  return started;
}

async function pageCounts(runIds: readonly string[]) {
  return handle.sql<{ run_id: string; page: number; count: number; workers: string[] }[]>`
    SELECT run_id, page, count(*)::int AS count, array_agg(DISTINCT worker) AS workers
    FROM test_pages WHERE run_id = ANY(${runIds as string[]}) GROUP BY run_id, page ORDER BY run_id, page`;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = createDatabase(tdb.url, { max: 4 });
  await handle.db.execute(TEST_PAGES_TABLE);
  seeded = await seedOrganization(handle.db, ['zoho-invoice', 'csv']);
  // The API's side: enqueues only. Schedules fall due at once.
  enqueuer = createJobScheduler({
    databaseUrl: tdb.url,
    concurrency: 1,
    logger: pino({ level: 'silent' }),
    nextRunAt: () => new Date(Date.now() + 100),
  });
  await enqueuer.start();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map(killWorker));
});

afterAll(async () => {
  await enqueuer?.stop();
  await handle?.close();
  await tdb?.drop();
});

describe('several workers for one connector on one job store', () => {
  it('execute each run exactly once, manual and scheduled alike', async () => {
    const engine = createFakeEngine({ db: handle.db, worker: 'test', pages: 3, pageMs: 20 });
    const runIds: string[] = [];
    const scheduledSyncIds: string[] = [];
    const env = { WORKER_CONCURRENCY: '3', FAKE_PAGES: '3', FAKE_PAGE_MS: '20' };
    const [a, b] = await Promise.all([worker('worker-a', env), worker('worker-b', env)]);

    for (let i = 0; i < 30; i++) {
      const sync = await seedSync(handle.db, seeded, 'zoho-invoice');
      const run = await engine.queueRun(seeded.organizationId, sync.id, { trigger: 'manual' });
      runIds.push(run.id);
      await enqueuer.enqueueRun(run, 'zoho-invoice');
    }
    for (let i = 0; i < 15; i++) {
      const sync = await seedSync(handle.db, seeded, 'zoho-invoice');
      scheduledSyncIds.push(sync.id);
      await enqueuer.scheduleSync(sync);
    }

    const scheduledRuns = await waitFor(
      'every run to succeed',
      async () => {
        const manual = await handle.db.select().from(syncRuns).where(inArray(syncRuns.id, runIds));
        const scheduled = await handle.db
          .select()
          .from(syncRuns)
          .where(inArray(syncRuns.syncId, scheduledSyncIds));
        const done = [...manual, ...scheduled].filter((run) => run.status === 'succeeded');
        return done.length === 45 && scheduled.length === 15 ? scheduled : undefined;
      },
      40_000,
    );

    const pages = await pageCounts([...runIds, ...scheduledRuns.map((run) => run.id)]);
    expect(pages).toHaveLength(45 * 3);
    expect(pages.filter((page) => page.count !== 1)).toEqual([]);
    // One run per scheduled sync (no second run from a second worker), and both workers took part.
    expect(new Set(scheduledRuns.map((run) => run.syncId)).size).toBe(15);
    const byWorker = new Set(pages.flatMap((page) => page.workers));
    expect(byWorker).toEqual(new Set([a.label, b.label]));
  }, 60_000);
});

describe('stopping a worker', () => {
  it('SIGTERM: the running page finishes, the process exits 0, and another worker resumes the run', async () => {
    const env = { FAKE_PAGES: '20', FAKE_PAGE_MS: '100' };
    const first = await worker('terminated', env);
    const sync = await seedSync(handle.db, seeded, 'zoho-invoice');
    const engine = createFakeEngine({ db: handle.db, worker: 'test', pages: 20, pageMs: 100 });
    const run = await engine.queueRun(seeded.organizationId, sync.id, { trigger: 'manual' });
    await enqueuer.enqueueRun(run, 'zoho-invoice');
    await waitFor('three pages', async () => (await pageCounts([run.id])).length >= 3);

    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    const stopMs = Date.now() - signalledAt;
    const [stopped] = await handle.db.select().from(syncRuns).where(eq(syncRuns.id, run.id));
    const donePages = (await pageCounts([run.id])).length;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(5_000);
    expect(stopped?.status).toBe('running');
    expect(stopped?.checkpoint).toEqual({ page: donePages });

    await worker('successor', env);
    await waitFor('the resumed run to succeed', async () => {
      const [row] = await handle.db.select().from(syncRuns).where(eq(syncRuns.id, run.id));
      return row?.status === 'succeeded';
    });
    const pages = await pageCounts([run.id]);
    expect(pages.map((page) => page.page)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(pages.every((page) => page.count === 1)).toBe(true);
    expect(pages.filter((page) => page.workers.includes('successor')).length).toBe(20 - donePages);
  }, 40_000);

  it('SIGKILL: another worker resumes the run from its checkpoint once the lock expires', async () => {
    const env = { FAKE_PAGES: '20', FAKE_PAGE_MS: '100', WORKER_LOCK_MS: '2000', WORKER_POLL_MS: '250' };
    const [first, second] = await Promise.all([worker('worker-1', env), worker('worker-2', env)]);
    const sync = await seedSync(handle.db, seeded, 'zoho-invoice');
    const engine = createFakeEngine({ db: handle.db, worker: 'test', pages: 20, pageMs: 100 });
    const run = await engine.queueRun(seeded.organizationId, sync.id, { trigger: 'manual' });
    // Whichever worker takes the job is killed; the other one must take over.
    await enqueuer.enqueueRun(run, 'zoho-invoice');
    const executor = await waitFor('a worker to be executing', async () => {
      const pages = await pageCounts([run.id]);
      return pages.length >= 4 ? pages[0]?.workers[0] : undefined;
    });
    const victim = executor === first.label ? first : second;
    const survivor = victim === first ? second : first;
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;

    await waitFor(
      'the run to succeed on the surviving worker',
      async () => {
        const [row] = await handle.db.select().from(syncRuns).where(eq(syncRuns.id, run.id));
        return row?.status === 'succeeded';
      },
      20_000,
    );
    const pages = await pageCounts([run.id]);
    expect(pages.map((page) => page.page)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(pages.every((page) => page.count === 1)).toBe(true);
    const resumed = pages.filter((page) => page.workers.includes(survivor.label));
    expect(resumed.length).toBeGreaterThan(0);
    const [firstResumed] = await handle.sql<{ at: number }[]>`
      SELECT extract(epoch FROM min(at))::float8 * 1000 AS at FROM test_pages WHERE run_id = ${run.id} AND worker = ${survivor.label}`;
    process.stderr.write(
      `SIGKILL: the other worker resumed ${Math.round((firstResumed?.at ?? 0) - killedAt)} ms after the kill\n`,
    );
    // Not before the lock (2 s from the last heartbeat) expired, and not much later either.
    expect((firstResumed?.at ?? 0) - killedAt).toBeGreaterThan(1_500);
    expect((firstResumed?.at ?? 0) - killedAt).toBeLessThan(8_000);
  }, 40_000);
});
