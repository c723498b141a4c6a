import { nextRunAt } from '@leadsync/core';
import { createDatabase } from '@leadsync/db';
import { createJobScheduler, type JobScheduler } from '@leadsync/jobs';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './testing/wait.ts';

let tdb: TestDatabase;
let scheduler: JobScheduler;
const warnings: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  scheduler = createJobScheduler({
    databaseUrl: tdb.url,
    connectors: ['csv'],
    concurrency: 1,
    logger,
    nextRunAt,
    processEveryMs: 200,
  });
  await scheduler.start();
});

afterAll(async () => {
  await scheduler.stop();
  await tdb.drop();
});

it('survives the database dropping the job store LISTEN connection (as in a restart) and says so', async () => {
  const { sql: admin, close } = createDatabase(tdb.url, { max: 1 });
  try {
    await waitFor('the LISTEN connection', async () => {
      const rows =
        await admin`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`;
      return rows.length > 0;
    });
    await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND query ILIKE 'LISTEN%'`;
    // Without a listener the channel's 'error' event is thrown out of the event loop and vitest fails the file.
    await waitFor('the warning', async () => warnings.some((line) => line.includes('notification channel')));
  } finally {
    await close();
  }
  expect(warnings.join('')).toContain('reconnecting');
});
