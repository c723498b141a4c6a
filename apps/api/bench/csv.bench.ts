/**
 * `pnpm bench` (issue 24): `csv.e2e`. A generated CSV file of BENCH_CSV_N rows (default 1,000,000, about 80 MB) is
 * uploaded through `POST /uploads` + `PUT /uploads/<id>` (16 MiB chunks) to the real API server in a child process,
 * a CSV connection names it (`createConnection`, which scans the file once), and a worker child process runs the
 * sync through the engine into PostgreSQL. Prints one JSON line with upload MB/s, leads/s, the peak RSS of the API
 * and of the worker process, and the ratio to the Zoho simulator's `sync.e2e` at the same n, measured in the same
 * run (its bench run as a child; BENCH_CSV_BASELINE=0 skips it). BENCH_CSV_RERUN=1 adds the daily case: the same file
 * with one row removed, uploaded and synced again (every row classified again, every id listed for deletions):
 * its seconds, worker RSS and CPU.
 *
 * PostgreSQL: `TEST_DATABASE_URL` or `DATABASE_URL` (a throwaway database is created and dropped there), else an
 * embedded server in a temporary directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectorRegistry } from '@leadsync/connectors';
import { createDatabase, SecretBox } from '@leadsync/db';
import { mailingLists, syncs } from '@leadsync/db/schema';
import { createEngine } from '@leadsync/engine';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createBenchOrganization, openScratchDatabase } from './setup.ts';

const n = Number(process.env.BENCH_CSV_N ?? 1_000_000);
const CHUNK = 16 * 1024 * 1024;
/** The file's columns → the lead's fields (the city stays unmapped). */
const MAPPING = { email: 'email', first_name: 'firstName', last_name: 'lastName', company: 'fields.company' };

/**
 * The file, made on the fly in pieces of about 1 MiB: people, every 40th row a repeat of an earlier email; without
 * the row `without` (the re-run's file: one row removed).
 */
function* csvPieces(without?: number): Generator<Buffer> {
  let text = 'email,first_name,last_name,company,city\n';
  for (let i = 1; i <= n; i++) {
    if (i === without) continue;
    const who = i % 40 === 0 ? i - 17 : i;
    text += `person${who}@example${who % 50}.com,First${i},Last${i},"Company ${i % 1000}, Inc.",City ${i % 300}\n`;
    if (text.length >= 1 << 20) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text) yield Buffer.from(text);
}

/**
 * A child process running `script`; resolves with it and a reader of its JSON lines. BENCH_CSV_WORKER_FLAGS are
 * Node flags for the worker child (`--cpu-prof --cpu-prof-dir=/tmp/prof`, `--heapsnapshot-signal=SIGUSR2`).
 */
function child(script: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const flags =
    script === './csv-worker-child.ts'
      ? (process.env.BENCH_CSV_WORKER_FLAGS ?? '').split(' ').filter(Boolean)
      : [];
  const proc = spawn(
    process.execPath,
    [...flags, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env,
    },
  );
  const lines = createInterface({ input: proc.stdout! });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const next = waiting.shift();
    if (next) next(line);
    else queue.push(line);
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  const nextJson = async <T>(): Promise<T> => {
    const line =
      queue.shift() ??
      (await Promise.race([
        new Promise<string>((resolve) => waiting.push(resolve)),
        exited.then((code) => {
          throw new Error(`${script} exited with ${code}`);
        }),
      ]));
    return JSON.parse(line) as T;
  };
  return { proc, nextJson };
}

const { server, url, close } = await openScratchDatabase('leadsync_csv_bench');
const children: ChildProcess[] = [];
try {
  const handle = createDatabase(url, { max: 2 });
  const { db } = handle;
  const secretKey = randomBytes(32);
  const { organization: org, key } = await createBenchOrganization(db);
  const [list] = await db
    .insert(mailingLists)
    .values({ organizationId: org.id, name: 'Bench list' })
    .returning();

  const api = child('./csv-api-child.ts', [url, secretKey.toString('hex')]);
  children.push(api.proc);
  const { url: apiUrl } = await api.nextJson<{ url: string }>();
  const headers = { authorization: `Bearer ${key}` };

  /** Uploads the file (see csvPieces) in CHUNK bytes a request; its id, size and seconds. */
  async function upload(without?: number): Promise<{ fileId: string; size: number; seconds: number }> {
    let size = 0;
    for (const piece of csvPieces(without)) size += piece.length;
    const uploadStarted = performance.now();
    const started = await fetch(`${apiUrl}/uploads`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench.csv', size }),
    });
    const { id: fileId } = (await started.json()) as { id: string };
    let sent = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const send = async () => {
      const body = Buffer.concat(batch, batchBytes);
      const response = await fetch(`${apiUrl}/uploads/${fileId}`, {
        method: 'PUT',
        headers: { ...headers, 'content-range': `bytes ${sent}-${sent + body.length - 1}/${size}` },
        body,
      });
      if (response.status !== 200) throw new Error(`upload chunk refused: ${response.status}`);
      sent += body.length;
      batch = [];
      batchBytes = 0;
    };
    for (const piece of csvPieces(without)) {
      batch.push(piece);
      batchBytes += piece.length;
      if (batchBytes >= CHUNK) await send();
    }
    if (batchBytes > 0) await send();
    return { fileId, size, seconds: (performance.now() - uploadStarted) / 1000 };
  }

  const { fileId, size, seconds: uploadSeconds } = await upload();

  // The connection (its check reads the whole file once)
  const connectionStarted = performance.now();
  const created = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }',
      variables: { input: { connector: 'csv', name: 'Bench file', credentials: {}, settings: { fileId } } },
    }),
  });
  const createdBody = (await created.json()) as {
    data?: { createConnection: { id: string } };
    errors?: unknown;
  };
  if (!createdBody.data) throw new Error(`createConnection failed: ${JSON.stringify(createdBody.errors)}`);
  const connectionSeconds = (performance.now() - connectionStarted) / 1000;

  const [sync] = await db
    .insert(syncs)
    .values({
      organizationId: org.id,
      connectionId: createdBody.data.createConnection.id,
      mailingListId: list!.id,
      sourceOrganizationId: 'file',
      name: 'Bench sync',
      importMode: 'all',
      fieldMapping: Object.entries(MAPPING).map(([source, target]) => ({ source, target })),
      schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
      status: 'active',
    })
    .returning();
  /** The server's WAL counters (the whole server's: on a shared server, other databases' writes count too). */
  async function walCounters() {
    const [row] = await db.execute<{ fpi: string; bytes: string }>(
      sql`select wal_fpi::text as fpi, wal_bytes::text as bytes from pg_stat_wal`,
    );
    return row!;
  }
  /**
   * BENCH_CSV_STATIO=1: where the first run's time went in PostgreSQL, on stderr: the blocks each table and index
   * of the scratch database read from outside shared_buffers (and found inside), the largest first, and the WAL
   * the server wrote meanwhile (full-page images, bytes).
   */
  async function reportBlockReads(walBefore: Awaited<ReturnType<typeof walCounters>>) {
    const wal = await walCounters();
    const rows = await db.execute<{ name: string; read: number; hit: number; mb: number }>(sql`
      select relname as name, heap_blks_read::int as read, heap_blks_hit::int as hit,
             (pg_relation_size(relid) / 1048576)::int as mb
      from pg_statio_user_tables
      union all
      select indexrelname, idx_blks_read::int, idx_blks_hit::int, (pg_relation_size(indexrelid) / 1048576)::int
      from pg_statio_user_indexes
      order by 2 desc limit 14`);
    const [settings] = await db.execute<{ shared_buffers: string; max_wal_size: string }>(
      sql`select current_setting('shared_buffers') as shared_buffers, current_setting('max_wal_size') as max_wal_size`,
    );
    console.error(
      JSON.stringify({
        statio: rows.map((r) => `${r.name} read ${r.read} hit ${r.hit} ${r.mb} MB`),
        ...settings,
        wal_fpi: Number(wal.fpi) - Number(walBefore.fpi),
        wal_mb: Math.round((Number(wal.bytes) - Number(walBefore.bytes)) / 1048576),
      }),
    );
  }
  const engine = createEngine({
    db,
    secretBox: new SecretBox(secretKey),
    registry: connectorRegistry,
    allowedHosts: [],
    logger: pino({ level: 'silent' }),
  });
  /** Runs a queued run in a worker process of its own (its peak RSS is the run's). */
  async function runInWorker(runId: string) {
    const worker = child('./csv-worker-child.ts', [url, runId, secretKey.toString('hex')]);
    children.push(worker.proc);
    const result = await worker.nextJson<{
      seconds: number;
      total: number;
      deleted: number;
      status: string;
      error: string | null;
      rss_mb: number;
      cpu_seconds: number;
    }>();
    // It exits by itself once its pool is closed (a profile is written then).
    if (worker.proc.exitCode === null) await new Promise((resolve) => worker.proc.once('exit', resolve));
    if (result.status !== 'succeeded') throw new Error(`the run failed: ${result.error}`);
    return result;
  }
  const connectionId = createdBody.data.createConnection.id;
  const walBefore = await walCounters();
  const run = await runInWorker((await engine.queueRun(org.id, sync!.id, { trigger: 'manual' })).id);
  if (process.env.BENCH_CSV_STATIO === '1') await reportBlockReads(walBefore);

  // BENCH_CSV_RERUN=1: the daily case, the same file again with one row removed (a new upload the connection then
  // names): every row is read and classified again, and the deletion listing covers every id of the file.
  let rerun: Awaited<ReturnType<typeof runInWorker>> | undefined;
  if (process.env.BENCH_CSV_RERUN === '1') {
    const second = await upload(2);
    const updated = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'mutation($id: ID!, $settings: JSONObject!) { updateConnectionSettings(id: $id, settings: $settings) { id } }',
        variables: { id: connectionId, settings: { fileId: second.fileId } },
      }),
    });
    const updatedBody = (await updated.json()) as { data?: unknown; errors?: unknown };
    if (!updatedBody.data)
      throw new Error(`updateConnectionSettings failed: ${JSON.stringify(updatedBody.errors)}`);
    rerun = await runInWorker((await engine.queueRun(org.id, sync!.id, { trigger: 'manual' })).id);
    if (rerun.deleted !== 1) throw new Error(`the re-run deleted ${rerun.deleted} records, not 1`);
  }
  await handle.close();
  api.proc.stdin?.end();
  const { rss_mb: apiRss } = await api.nextJson<{ rss_mb: number }>();

  // The Zoho simulator's sync.e2e at the same n, in the same run.
  let zoho: { value: number; seconds: number } | undefined;
  if (process.env.BENCH_CSV_BASELINE !== '0') {
    const baseline = child('../../../packages/engine/bench/sync.bench.ts', [], {
      ...process.env,
      BENCH_N: String(n),
      TEST_DATABASE_URL: server.url,
      // Its line comes after the timeline index's A/B (four more runs of n), which this ratio does not use.
      BENCH_TIMELINE_AB: '0',
    });
    children.push(baseline.proc);
    zoho = await baseline.nextJson<{ value: number; seconds: number }>();
  }

  const leadsPerSecond = run.total / run.seconds;
  console.log(
    JSON.stringify({
      bench: 'csv.e2e',
      value: Math.round(leadsPerSecond),
      unit: 'leads/s',
      n,
      file_mb: Number((size / 1e6).toFixed(1)),
      upload_mb_per_s: Number((size / 1e6 / uploadSeconds).toFixed(1)),
      upload_seconds: Number(uploadSeconds.toFixed(2)),
      create_connection_seconds: Number(connectionSeconds.toFixed(2)),
      sync_seconds: Number(run.seconds.toFixed(2)),
      api_rss_mb: apiRss,
      worker_rss_mb: run.rss_mb,
      worker_cpu_seconds: Number(run.cpu_seconds.toFixed(2)),
      total: run.total,
      rerun_seconds: rerun && Number(rerun.seconds.toFixed(2)),
      rerun_worker_rss_mb: rerun?.rss_mb,
      rerun_worker_cpu_seconds: rerun && Number(rerun.cpu_seconds.toFixed(2)),
      zoho_leads_per_s: zoho?.value,
      zoho_seconds: zoho?.seconds,
      // CSV sync time over the Zoho simulator's at the same n (goal ≤ 1.2)
      ratio_vs_zoho: zoho ? Number((zoho.value / leadsPerSecond).toFixed(2)) : undefined,
    }),
  );
} finally {
  for (const proc of children) if (proc.exitCode === null) proc.kill();
  await close();
}
