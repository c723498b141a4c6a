// One run of n source records through the real engine, for `zoho-crm.bench.ts`: argv = connector id (`zoho-invoice` or
// `zoho-crm`) and n; TEST_DATABASE_URL names the server. The source's simulator runs in a process of its own (so this
// process's peak RSS is the engine's and the connector's); prints one JSON line with the run's figures.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fastRegistry } from '@leadsync/connectors/testing';
import { createDatabase, runMigrations, SecretBox } from '@leadsync/db';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/testing/fixture.ts';
import { createScratchDatabase, seedSimulatorSync, startSimulator } from './setup.ts';

const connectorId = process.argv[2] === 'zoho-crm' ? 'zoho-crm' : 'zoho-invoice';
const n = Number(process.argv[3] ?? 100_000);
const serverUrl = process.env.TEST_DATABASE_URL as string;
// Each source's simulator child and its fields mapped to the same four lead fields (source field → lead field).
const SOURCES = {
  'zoho-invoice': {
    script: './simulator-child.ts',
    fields: {
      email: 'email',
      first_name: 'firstName',
      last_name: 'lastName',
      company_name: 'fields.company',
    },
  },
  'zoho-crm': {
    script: './crm-simulator-child.ts',
    fields: { Email: 'email', First_Name: 'firstName', Last_Name: 'lastName', Company: 'fields.company' },
  },
};
const source = SOURCES[connectorId];
const mapping = Object.entries(source.fields).map(([from, target]) => ({ source: from, target }));

const scratch = await createScratchDatabase(serverUrl);
let child: ChildProcess | undefined;
try {
  await runMigrations(scratch.url);
  const simulator = await startSimulator(source.script, n);
  child = simulator.child;
  const { info } = simulator;
  const handle = createDatabase(scratch.url, { max: 4 });
  const { db } = handle;
  const secretBox = new SecretBox(randomBytes(32));
  const engine = createEngine({
    db,
    secretBox,
    registry: fastRegistry(),
    allowedHosts: ['127.0.0.1', 'localhost', '::1'],
    logger: silentLogger,
  });
  const { organization, sync } = await seedSimulatorSync({
    db,
    secretBox,
    connectorId,
    info,
    mapping,
  });
  const queued = await engine.queueRun(organization.id, sync.id, { trigger: 'manual' });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await engine.executeRun(queued.id);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (run.status !== 'succeeded') throw new Error(`the ${connectorId} run failed: ${run.error}`);
  await handle.close();
  console.log(
    JSON.stringify({
      connector: connectorId,
      total: run.total,
      seconds,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      rss_mb: process.resourceUsage().maxRSS / 1024,
    }),
  );
} finally {
  child?.stdin?.end();
  child?.kill();
  await scratch.drop();
}
