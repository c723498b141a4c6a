import { createDatabase } from '@leadsync/db';
import { createJobScheduler, JobStoreUnavailableError, openJobStore, RETENTION_JOB } from '@leadsync/jobs';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkerEnvironment } from './env.ts';
import { waitFor } from './testing/wait.ts';
import { startWorker, UnknownConnectorIdError } from './worker.ts';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterAll(async () => {
  await tdb?.drop();
});

describe('the job store', () => {
  it('creates its schema once when several processes start at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => openJobStore({ databaseUrl: tdb.url })));
    try {
      await Promise.all(stores.map((store) => store.ensureSchema()));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const { sql, close } = createDatabase(tdb.url, { max: 1 });
    try {
      const indexes = await sql<{ indexname: string }[]>`
        SELECT indexname FROM pg_indexes WHERE tablename = 'agenda_jobs' ORDER BY indexname`;
      expect(indexes.map((row) => row.indexname)).toContain('agenda_jobs_one_schedule_per_sync');
    } finally {
      await close();
    }
  });

  it('an unreachable database fails start() with a clear error instead of crashing the process', async () => {
    await expect(
      openJobStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' }),
    ).rejects.toBeInstanceOf(JobStoreUnavailableError);
    const scheduler = createJobScheduler({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
      concurrency: 1,
      logger: pino({ level: 'silent' }),
      nextRunAt: () => null,
    });
    await expect(scheduler.start()).rejects.toThrow(/ECONNREFUSED|cannot be reached/);
  });
});

describe('the retention job', () => {
  it('is one daily job however many workers start, run by one of them at once', async () => {
    const calls: string[] = [];
    const schedulers = ['a', 'b'].map((name) =>
      createJobScheduler({
        databaseUrl: tdb.url,
        concurrency: 1,
        logger: pino({ level: 'silent' }),
        nextRunAt: () => null,
        processEveryMs: 200,
        name,
        pruneRunRecords: async () => {
          calls.push(name);
          return { runs: 0, records: 0 };
        },
      }),
    );
    try {
      for (const scheduler of schedulers) await scheduler.start();
      await waitFor('the retention job to run', async () => calls.length > 0);
      const { sql, close } = createDatabase(tdb.url, { max: 1 });
      try {
        const jobs = await sql<{ name: string; repeat_interval: string }[]>`
          SELECT name, repeat_interval FROM agenda_jobs WHERE name = ${RETENTION_JOB}`;
        expect(jobs).toEqual([{ name: RETENTION_JOB, repeat_interval: '1 day' }]);
      } finally {
        await close();
      }
      expect(calls).toHaveLength(1);
    } finally {
      for (const scheduler of schedulers) await scheduler.stop();
    }
  });
});

describe('startWorker', () => {
  it('refuses a connector id that no connector has, naming the known ones', async () => {
    const env = loadWorkerEnvironment({ DATABASE_URL: tdb.url, LOG_LEVEL: 'silent' });
    await expect(startWorker(env, { connectors: ['zoho'] })).rejects.toThrow(UnknownConnectorIdError);
    await expect(startWorker(env, { connectors: ['zoho'] })).rejects.toThrow(
      'Unknown connector "zoho" (known: zoho-invoice, csv, zoho-crm)',
    );
  });
});
