// `pnpm bench`: 100,000 contacts from the Zoho Invoice simulator (rate limit off, in a child process) through the
// real engine into a scratch PostgreSQL database, and, as a floor, COPY of the same rows into an empty table of the
// same shape. Prints one JSON line. BENCH_N changes n, BENCH_UNIT the engine's write unit (records);
// TEST_DATABASE_URL or DATABASE_URL names the server; with neither, an embedded PostgreSQL is started for the run.
// Then (issue 23; BENCH_TIMELINE_AB=0 leaves it out) the same run in fresh databases without and with the
// timeline's index of run records that name no lead, alternately, so its cost is measured in the same bench run.
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
import { createScratchDatabase, type SimulatorInfo, seedSimulatorSync, startSimulator } from './setup.ts';

const n = Number(process.env.BENCH_N ?? 100_000);
const server = await startScratchPostgres(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
const serverUrl = server.url;

/**
 * CPU ticks (user + system, 1/100 s) used so far by the server process of each open connection to `database`, read
 * from /proc: only when PostgreSQL runs on this machine and its processes are visible; null otherwise.
 */
async function backendCpuTicks(admin: postgres.Sql, database: string): Promise<Map<number, number> | null> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database}`;
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

/** The timeline's index of run records without a lead (db migration 0020): the A/B leaves it out. */
const TIMELINE_INDEX = 'run_records_unlinked_email_hash_idx';
const MAPPING = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
  { source: 'last_name', target: 'lastName' },
  { source: 'company_name', target: 'fields.company' },
];

/** One run of the whole source into the migrated database `database` (of `admin`'s server) at `url`. */
async function measureRun(admin: postgres.Sql, database: string, url: string, info: SimulatorInfo) {
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
    mapping: MAPPING,
  });
  const queued = await engine.queueRun(organization.id, sync.id, { trigger: 'manual' });
  const dbCpuBefore = await backendCpuTicks(admin, database);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await engine.executeRun(queued.id);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const dbCpu = cpuSecondsBetween(dbCpuBefore, await backendCpuTicks(admin, database));
  await handle.close();
  if (run.status !== 'succeeded') throw new Error(`the run failed: ${run.error}`);
  const engineCpu = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
  return { run, seconds, engineCpu, dbCpu, connectorContext: engine.connectorContext(connection), registry };
}

/**
 * Issue 23: the same run in fresh databases without and with the timeline's index, alternately (without, with,
 * without, with), each mean against the other; `ratio` < 1 is what the index costs the run.
 */
async function timelineIndexAb(info: SimulatorInfo) {
  const arms = { without: [] as number[], with: [] as number[] };
  const dbCpu = { without: [] as number[], with: [] as number[] };
  for (const arm of ['without', 'with', 'without', 'with'] as const) {
    const database = await createScratchDatabase(serverUrl);
    try {
      await runMigrations(database.url);
      if (arm === 'without') {
        const local = postgres(database.url, { max: 1, onnotice: () => {} });
        await local.unsafe(`drop index ${TIMELINE_INDEX}`);
        await local.end();
      }
      const measured = await measureRun(database.admin, database.name, database.url, info);
      arms[arm].push(Math.round(measured.run.total / measured.seconds));
      if (measured.dbCpu !== null) dbCpu[arm].push(measured.dbCpu);
    } finally {
      await database.drop();
    }
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    without_leads_s: arms.without,
    with_leads_s: arms.with,
    ratio: Number((mean(arms.with) / mean(arms.without)).toFixed(3)),
    db_cpu_without: dbCpu.without,
    db_cpu_with: dbCpu.with,
  };
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
  const measured = await measureRun(scratch.admin, scratch.name, url, info);
  const { run, registry } = measured;
  const engineSeconds = measured.seconds;
  const rssMb = process.resourceUsage().maxRSS / 1024;

  // The floor: COPY the imported rows into an empty table of the same shape (indexes included).
  const file = join(dir, 'leads.copy');
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
  const ctx = { ...measured.connectorContext, http: undefined };
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
      engine_cpu_seconds: measured.engineCpu,
      // CPU of the PostgreSQL processes serving the engine's connections during the run (null: not readable here).
      db_cpu_seconds: measured.dbCpu,
      copy_seconds: Number(copySeconds.toFixed(3)),
      copy_rows: copied,
      copy_file_mb: Number(((await stat(file)).size / 1e6).toFixed(1)),
      source_only_seconds: Number(sourceSeconds.toFixed(2)),
      source_only_records: sourceRecords,
      new_leads: run.newLeads,
      ignored: run.ignored,
      total: run.total,
      ...(process.env.BENCH_TIMELINE_AB === '0' ? {} : { timeline_index: await timelineIndexAb(info) }),
    }),
  );
} finally {
  child?.stdin?.end();
  child?.kill();
  await rm(dir, { recursive: true, force: true });
  await scratch.drop();
  await server.stop();
}
