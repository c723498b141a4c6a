/**
 * A worker process for the scale-out and shutdown tests: the real job scheduler and signal handling, with the fake
 * engine (the real one is exercised by the end-to-end tests). Configured by environment variables; prints `ready`.
 */
import { createDatabase } from '@leadsync/db';
import { createJobScheduler } from '@leadsync/jobs';
import { exitOnShutdownSignals } from '@leadsync/runtime';
import pino from 'pino';
import { createFakeEngine } from './fake-engine.ts';

const env = process.env;
const label = env.WORKER_LABEL ?? `worker-${process.pid}`;
const databaseUrl = env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const logger = pino({ level: env.LOG_LEVEL ?? 'warn', base: { worker: label } }, pino.destination(2));
const handle = createDatabase(databaseUrl, { max: 4 });
const scheduler = createJobScheduler({
  databaseUrl,
  connectors: (env.WORKER_CONNECTORS ?? 'zoho-invoice').split(','),
  concurrency: Number(env.WORKER_CONCURRENCY ?? 2),
  logger,
  engine: createFakeEngine({
    db: handle.db,
    worker: label,
    pages: Number(env.FAKE_PAGES ?? 3),
    pageMs: Number(env.FAKE_PAGE_MS ?? 20),
  }),
  nextRunAt: (_schedule, after) => new Date(after.getTime() + 3_600_000),
  lockLifetimeMs: Number(env.WORKER_LOCK_MS ?? 60_000),
  processEveryMs: Number(env.WORKER_POLL_MS ?? 500),
  busyRetryMs: 300,
  name: label,
});
await scheduler.start();
exitOnShutdownSignals(async () => {
  await scheduler.drain(Number(env.WORKER_DRAIN_MS ?? 10_000));
  await handle.close();
}, logger);
process.stdout.write('ready\n');
