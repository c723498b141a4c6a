// The worker of `csv.bench.ts`: executes one queued run with the real engine, then prints
// `{ seconds, total, deleted, status, rss_mb, cpu_seconds }` (peak resident memory of this process) and exits.

import { connectorRegistry } from '@leadsync/connectors';
import { createDatabase, SecretBox } from '@leadsync/db';
import { createEngine } from '@leadsync/engine';
import pino from 'pino';

const [databaseUrl, runId, secretKeyHex] = process.argv.slice(2) as [string, string, string];
const handle = createDatabase(databaseUrl, { max: 4 });
const engine = createEngine({
  db: handle.db,
  secretBox: new SecretBox(Buffer.from(secretKeyHex, 'hex')),
  registry: connectorRegistry,
  allowedHosts: ['127.0.0.1'],
  logger: pino({ level: 'silent' }),
});
const started = performance.now();
const cpu = process.cpuUsage();
const run = await engine.executeRun(runId);
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    total: run.total,
    deleted: run.deleted,
    status: run.status,
    error: run.error,
    rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpu_seconds: (used.user + used.system) / 1e6,
  }),
);
await handle.close();
process.exit(0);
