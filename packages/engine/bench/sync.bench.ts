// `pnpm bench`: 100,000 contacts from the Zoho Invoice simulator (rate limit off, in a child process) through the
// real engine into a scratch PostgreSQL database, and, as a floor, COPY of the same rows into an empty table of the
// same shape. Prints one JSON line. BENCH_N changes n, BENCH_UNIT the engine's write unit (records);
// TEST_DATABASE_URL or DATABASE_URL names the server; with neither, an embedded PostgreSQL is started for the run.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fastRegistry } from '@leadsync/connectors/testing';
import { createDatabase, runMigrations, SecretBox, startScratchPostgres } from '@leadsync/db';
import postgres from 'postgres';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/testing/fixture.ts';
import { createScratchDatabase, seedSimulatorSync, startSimulator } from './setup.ts';

const n = Number(process.env.BENCH_N ?? 100_000);
const server = await startScratchPostgres(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
const serverUrl = server.url;

/**
 * CPU ticks (user + system, 1/100 s) used so far by the server process of each open connection to `database`, read
 * from /proc: only when PostgreSQL runs on this machine and its processes are visible; null otherwise.
 */
async function backendCpuTicks(database: string): Promise<Map<number, number> | null> {
  const rows = await scratch.admin<
    { pid: number }[]
  >`select pid from pg_stat_activity where datname = ${database}`;
  const ticks = new Map<number, number>();
  try {
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // After the command's name in parentheses: state is field 3, utime 14 and stime 15 (proc(5)).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    }
  } catch {
    return null;
  }
  return ticks;
}

/** CPU seconds the server processes spent between two readings (a connection opened meanwhile counts from 0). */
function cpuSecondsBetween(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
): number | null {
  if (!before || !after) return null;
  let ticks = 0;
  for (const [pid, used] of after) ticks += used - (before.get(pid) ?? 0);
  return Number((ticks / 100).toFixed(2));
}

const scratch = await createScratchDatabase(serverUrl);
const url = scratch.url;
let child: ChildProcess | undefined;
const dir = await mkdtemp(join(tmpdir(), 'leadsync-bench-'));
try {
  await runMigrations(url);
  const simulator = await startSimulator('./simulator-child.ts', n);
  child = simulator.child;
  const { info } = simulator;

  const handle = createDatabase(url, { max: 4 });
  const { db } = handle;
  const secretBox = new SecretBox(randomBytes(32));
  const registry = fastRegistry();
  const engine = createEngine({
    db,
    secretBox,
    registry,
    allowedHosts: ['127.0.0.1', 'localhost', '::1'],
    logger: silentLogger,
    writeUnitRecords: process.env.BENCH_UNIT ? Number(process.env.BENCH_UNIT) : undefined,
  });
  const { organization, connection, sync } = await seedSimulatorSync({
    db,
    secretBox,
    connectorId: 'zoho-invoice',
    info,
    mapping: [
      { source: 'email', target: 'email' },
      { source: 'first_name', target: 'firstName' },
      { source: 'last_name', target: 'lastName' },
      { source: 'company_name', target: 'fields.company' },
    ],
  });

  const queued = await engine.queueRun(organization.id, sync.id, { trigger: 'manual' });
  const dbCpuBefore = await backendCpuTicks(scratch.name);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await engine.executeRun(queued.id);
  const engineSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const dbCpuAfter = await backendCpuTicks(scratch.name);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  if (run.status !== 'succeeded') throw new Error(`the run failed: ${run.error}`);

  // The floor: COPY the imported rows into an empty table of the same shape (indexes included).
  const file = join(dir, 'leads.copy');
  await handle.close();
  const exporter = postgres(url, { max: 1, onnotice: () => {} });
  await pipeline(
    await exporter`copy (select organization_id, email, first_name, last_name, fields from leads) to stdout`.readable(),
    createWriteStream(file),
  );
  await exporter.end();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`create table leads_copy (like leads including all)`;
  let copySeconds = 0;
  await sql.begin(async (tx) => {
    const copyStarted = performance.now();
    await pipeline(
      createReadStream(file),
      await tx`copy leads_copy (organization_id, email, first_name, last_name, fields) from stdin`.writable(),
    );
    copySeconds = (performance.now() - copyStarted) / 1000;
  });
  const [counted] = await sql<{ copied: number }[]>`select count(*)::int as copied from leads_copy`;
  const copied = counted?.copied;
  await sql.end();

  // For context: the same read through the connector alone, without the engine (the source's own floor).
  const connector = registry.get('zoho-invoice');
  // The engine's database is closed by now: the connector's own client, with a budget in memory.
  const ctx = { ...engine.connectorContext(connection), http: undefined };
  const sourceStarted = performance.now();
  let sourceRecords = 0;
  for await (const page of connector.read(ctx, {
    organizationId: info.organizationId,
    fields: ['email', 'first_name', 'last_name', 'company_name'],
  })) {
    sourceRecords += page.records.length;
  }
  const sourceSeconds = (performance.now() - sourceStarted) / 1000;

  console.log(
    JSON.stringify({
      bench: 'sync.e2e',
      value: Math.round(run.total / engineSeconds),
      unit: 'leads/s',
      n,
      rss_mb: Math.round(rssMb),
      ratio_vs_copy: Number((engineSeconds / copySeconds).toFixed(2)),
      seconds: Number(engineSeconds.toFixed(2)),
      // CPU of this process during the run (the engine; not PostgreSQL's, nor the simulator's).
      engine_cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      // CPU of the PostgreSQL processes serving the engine's connections during the run (null: not readable here).
      db_cpu_seconds: cpuSecondsBetween(dbCpuBefore, dbCpuAfter),
      copy_seconds: Number(copySeconds.toFixed(3)),
      copy_rows: copied,
      copy_file_mb: Number(((await stat(file)).size / 1e6).toFixed(1)),
      source_only_seconds: Number(sourceSeconds.toFixed(2)),
      source_only_records: sourceRecords,
      new_leads: run.newLeads,
      ignored: run.ignored,
      total: run.total,
    }),
  );
} finally {
  child?.stdin?.end();
  child?.kill();
  await rm(dir, { recursive: true, force: true });
  await scratch.drop();
  await server.stop();
}
