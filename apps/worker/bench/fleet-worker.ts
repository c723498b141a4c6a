/**
 * One worker process of the `zoho.fleet` bench: the real job scheduler and engine (request budget in PostgreSQL),
 * with a Zoho client whose budget is scaled like the simulator's clock (`FLEET_SCALE`: a "minute" of 60 s / scale).
 * Configured by environment variables; prints `ready`.
 */
import { randomBytes } from 'node:crypto';
import { createConnectorRegistry } from '@leadsync/connector-sdk';
import { createZohoInvoiceConnector } from '@leadsync/connector-zoho-invoice';
import { createDatabase, SecretBox } from '@leadsync/db';
import { createEngine } from '@leadsync/engine';
import { createJobScheduler } from '@leadsync/jobs';
import { exitOnShutdownSignals } from '@leadsync/runtime';
import pino from 'pino';

const env = process.env;
const databaseUrl = env.DATABASE_URL ?? '';
const scale = Number(env.FLEET_SCALE ?? 1);
const logger = pino(
  { level: env.LOG_LEVEL ?? 'warn', base: { worker: env.WORKER_LABEL } },
  pino.destination(2),
);
const handle = createDatabase(databaseUrl, { max: 8 });
const registry = createConnectorRegistry([
  createZohoInvoiceConnector({
    requestsPerMinute: 94 * scale,
    burst: 5,
    baseDelayMs: 50,
    maxDelayMs: 500,
    defaultRetryAfterMs: 60_000 / scale,
    maxRetryAfterMs: 120_000,
  }),
]);
const engine = createEngine({
  db: handle.db,
  secretBox: new SecretBox(Buffer.from(env.SECRET_KEY ?? randomBytes(32).toString('hex'), 'hex')),
  registry,
  allowedHosts: ['127.0.0.1'],
  logger,
});
const scheduler = createJobScheduler({
  databaseUrl,
  connectors: ['zoho-invoice'],
  concurrency: Number(env.WORKER_CONCURRENCY ?? 2),
  logger,
  engine,
  nextRunAt: () => null,
  processEveryMs: 200,
  name: env.WORKER_LABEL,
});
await scheduler.start();
exitOnShutdownSignals(async () => {
  await scheduler.drain(10_000);
  await handle.close();
}, logger);
process.stdout.write('ready\n');
