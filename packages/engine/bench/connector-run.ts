// One run of n source records through the real engine, for `zoho-crm.bench.ts`: argv = connector id (`zoho-invoice` or
// `zoho-crm`) and n; TEST_DATABASE_URL names the server. The source's simulator runs in a process of its own (so this
// process's peak RSS is the engine's and the connector's); prints one JSON line with the run's figures.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fastRegistry } from '@leadsync/connectors/testing';
import { createDatabase, runMigrations, SecretBox } from '@leadsync/db';
import { connections, mailingLists, organizations, syncs } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/testing/fixture.ts';

const connectorId = process.argv[2] === 'zoho-crm' ? 'zoho-crm' : 'zoho-invoice';
const n = Number(process.argv[3] ?? 100_000);
const serverUrl = process.env.TEST_DATABASE_URL as string;
const SOURCES = {
  'zoho-invoice': {
    script: './simulator-child.ts',
    mapping: [
      { source: 'email', target: 'email' },
      { source: 'first_name', target: 'firstName' },
      { source: 'last_name', target: 'lastName' },
      { source: 'company_name', target: 'fields.company' },
    ],
  },
  'zoho-crm': {
    script: './crm-simulator-child.ts',
    mapping: [
      { source: 'Email', target: 'email' },
      { source: 'First_Name', target: 'firstName' },
      { source: 'Last_Name', target: 'lastName' },
      { source: 'Company', target: 'fields.company' },
    ],
  },
} as const;
const source = SOURCES[connectorId];

interface SimulatorInfo {
  apiUrl: string;
  accountsUrl: string;
  credentials: Record<string, string>;
  organizationId: string;
}

async function startSimulator(): Promise<{ child: ChildProcess; info: SimulatorInfo }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(source.script, import.meta.url)), String(n)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
  });
  return { child, info: JSON.parse(first) as SimulatorInfo };
}

const scratch = `leadsync_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${scratch}"`);
const url = new URL(serverUrl);
url.pathname = `/${scratch}`;
let child: ChildProcess | undefined;
try {
  await runMigrations(url.toString());
  const simulator = await startSimulator();
  child = simulator.child;
  const { info } = simulator;
  const handle = createDatabase(url.toString(), { max: 4 });
  const { db } = handle;
  const secretBox = new SecretBox(randomBytes(32));
  const engine = createEngine({
    db,
    secretBox,
    registry: fastRegistry(),
    allowedHosts: ['127.0.0.1', 'localhost', '::1'],
    logger: silentLogger,
  });
  const [org] = await db.insert(organizations).values({ name: 'Bench' }).returning();
  const [list] = await db
    .insert(mailingLists)
    .values({ organizationId: org!.id, name: 'Bench list' })
    .returning();
  const [conn] = await db
    .insert(connections)
    .values({
      organizationId: org!.id,
      connectorId,
      name: 'Simulator',
      credentialsEncrypted: '-',
      settings: { dataCenter: 'com', apiUrl: info.apiUrl, accountsUrl: info.accountsUrl },
    })
    .returning();
  await db
    .update(connections)
    .set({ credentialsEncrypted: secretBox.sealJson(info.credentials, conn!.id) })
    .where(eq(connections.id, conn!.id));
  const [sync] = await db
    .insert(syncs)
    .values({
      organizationId: org!.id,
      connectionId: conn!.id,
      mailingListId: list!.id,
      sourceOrganizationId: info.organizationId,
      name: 'Bench sync',
      importMode: 'all',
      fieldMapping: [...source.mapping],
      schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
      status: 'active',
    })
    .returning();
  const queued = await engine.queueRun(org!.id, sync!.id, { trigger: 'manual' });
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
  await admin.unsafe(`drop database if exists "${scratch}" with (force)`);
  await admin.end();
}
