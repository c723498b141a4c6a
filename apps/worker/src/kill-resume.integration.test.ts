import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { fastRegistry } from '@leadsync/connectors/testing';
import { createDatabase, type DatabaseHandle, SecretBox, StoredFileRepository } from '@leadsync/db';
import {
  connections,
  leads,
  listMemberships,
  mailingLists,
  organizations,
  runCounters,
  runRecords,
  type SyncRun,
  syncRuns,
  syncs,
} from '@leadsync/db/schema';
import { createEngine, type Engine } from '@leadsync/engine';
import { createJobScheduler, type JobScheduler } from '@leadsync/jobs';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { asc, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killWorker, startWorkerProcess, type WorkerProcess } from './testing/processes.ts';
import { waitFor } from './testing/wait.ts';

/**
 * Issue 5: kill the worker process (SIGKILL) in the middle of a Zoho Invoice run, start another: the run completes,
 * and the leads and totals equal those of an uninterrupted run. Real worker processes (`src/main.ts`), the real
 * engine, the simulator, PostgreSQL. 20,000 contacts, as the issue asks (`LEADSYNC_E2E_CONTACTS` sets another size). The
 * workers read at the Zoho client's own pace (80 requests a minute), which keeps the kill in the middle of the run;
 * the reference run, which only has to give the expected leads and totals, reads without that budget.
 */
const CONTACTS = Number(process.env.LEADSYNC_E2E_CONTACTS ?? 20_000);
const PAGE = 200;
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const logger = pino({ level: 'silent' });

let tdb: TestDatabase;
let handle: DatabaseHandle;
let simulator: ZohoInvoiceSimulator;
let engine: Engine;
let secretKey: Buffer;
let enqueuer: JobScheduler;
let dataDir: string;
/** One window for every tenant: a window that moved between two tenants would leave out contacts at its edge. */
const retrieveFrom = new Date(Date.now() - 20 * 86_400_000);
const workers: WorkerProcess[] = [];

async function tenant(name: string) {
  const { db } = handle;
  const secretBox = new SecretBox(secretKey);
  const [organization] = await db.insert(organizations).values({ name }).returning();
  if (!organization) throw new Error('no organization');
  const [list] = await db
    .insert(mailingLists)
    .values({ organizationId: organization.id, name: 'Customers' })
    .returning();
  if (!list) throw new Error('no list');
  const [connection] = await db
    .insert(connections)
    .values({
      organizationId: organization.id,
      connectorId: 'zoho-invoice',
      name: 'Zoho Invoice (simulator)',
      credentialsEncrypted: '-',
      settings: { dataCenter: 'com', apiUrl: simulator.apiUrl, accountsUrl: simulator.accountsUrl },
    })
    .returning();
  if (!connection) throw new Error('no connection');
  await db
    .update(connections)
    .set({ credentialsEncrypted: secretBox.sealJson(simulator.credentials, connection.id) })
    .where(eq(connections.id, connection.id));
  const [sync] = await db
    .insert(syncs)
    .values({
      organizationId: organization.id,
      connectionId: connection.id,
      name: 'Contacts',
      sourceOrganizationId: simulator.organizations[0]?.organization_id ?? '',
      importMode: 'all',
      mailingListId: list.id,
      fieldMapping: [
        { source: 'email', target: 'email' },
        { source: 'first_name', target: 'firstName' },
        { source: 'last_name', target: 'lastName' },
        { source: 'company_name', target: 'fields.company' },
      ],
      schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
      retrieveFrom,
      status: 'active',
    })
    .returning();
  if (!sync) throw new Error('no sync');
  return { organizationId: organization.id, listId: list.id, syncId: sync.id };
}

/** Everything a run leaves behind in one organization, without ids. */
async function outcome(organizationId: string, listId: string, run: SyncRun) {
  const { db } = handle;
  const leadRows = await db
    .select({
      email: leads.email,
      status: leads.status,
      firstName: leads.firstName,
      lastName: leads.lastName,
      fields: leads.fields,
    })
    .from(leads)
    .where(eq(leads.organizationId, organizationId))
    .orderBy(asc(leads.email));
  const [members] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(listMemberships)
    .where(eq(listMemberships.mailingListId, listId));
  const [records] = await db
    .select({
      count: sql<number>`count(*)::int`,
      distinctSeq: sql<number>`count(DISTINCT ${runRecords.seq})::int`,
    })
    .from(runRecords)
    .where(eq(runRecords.runId, run.id));
  return {
    leads: leadRows,
    members: members?.count,
    records: records?.count,
    distinctSeq: records?.distinctSeq,
    totals: { status: run.status, readCount: run.readCount, ...runCounters(run) },
  };
}

async function workerProcess(label: string, connector = 'zoho-invoice') {
  const started = await startWorkerProcess(main, label, {
    DATABASE_URL: tdb.url,
    LEADSYNC_DATA_DIR: dataDir,
    LEADSYNC_SECRET_KEY: secretKey.toString('hex'),
    LEADSYNC_WORKER_CONNECTORS: connector,
    // Unset, only the sandbox's own port is allowed: an operator lists the simulator as they would a proxy.
    LEADSYNC_ALLOWED_HOSTS: new URL(simulator.apiUrl).host,
    LEADSYNC_WORKER_LOCK_LIFETIME_MS: '3000',
    LEADSYNC_WORKER_POLL_MS: '250',
    LOG_LEVEL: 'info',
  });
  workers.push(started);
  return started;
}

async function loadRun(runId: string) {
  const [run] = await handle.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  return run;
}

beforeAll(async () => {
  const t0 = Date.now();
  tdb = await createTestDatabase();
  handle = createDatabase(tdb.url, { max: 6 });
  dataDir = await mkdtemp(join(tmpdir(), 'leadsync-worker-e2e-'));
  secretKey = randomBytes(32);
  simulator = await startZohoInvoiceSimulator({
    seed: 5,
    organizations: [{ organization_id: '60000000001', name: 'Kill test' }],
    contactsPerOrganization: CONTACTS,
    rateLimit: false,
    tokenMintLimit: false,
    // Well inside the retrieval window.
    generator: { spreadDays: 10 },
  });
  process.stderr.write(`setup with simulator: ${Date.now() - t0} ms\n`);
  engine = createEngine({
    db: handle.db,
    secretBox: new SecretBox(secretKey),
    registry: fastRegistry(),
    allowedHosts: ['127.0.0.1', 'localhost', '::1'],
    logger,
  });
  enqueuer = createJobScheduler({ databaseUrl: tdb.url, concurrency: 1, logger, nextRunAt: () => null });
  await enqueuer.start();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map(killWorker));
});

afterAll(async () => {
  await enqueuer?.stop();
  await simulator?.close();
  await handle?.close();
  await tdb?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a worker killed in the middle of a run', () => {
  it(`is replaced by another that resumes the run: leads and totals equal an uninterrupted run (${CONTACTS} contacts; SIGTERM, then SIGKILL)`, async () => {
    // The reference: the same source read by an uninterrupted run, in an organization of its own.
    const reference = await tenant('Reference');
    const t0 = Date.now();
    const referenceRun = await engine.executeRun(
      (await engine.queueRun(reference.organizationId, reference.syncId, { trigger: 'manual' })).id,
    );
    expect(referenceRun.status).toBe('succeeded');
    process.stderr.write(`reference run: ${Date.now() - t0} ms, read ${referenceRun.readCount}\n`);
    expect(referenceRun.readCount).toBe(CONTACTS);

    // Slow pages down so that the kill lands in the middle of the run.
    simulator.injectFault({
      type: 'delay',
      ms: 60,
      path: '/contacts',
      count: Math.ceil(CONTACTS / PAGE) + 10,
    });
    const killed = await tenant('Interrupted');
    const readAtLeast = (share: number) => async () => {
      const run = await loadRun(queued.id);
      return run && run.readCount >= CONTACTS * share ? run : undefined;
    };
    const first = await workerProcess('first');
    const queued = await engine.queueRun(killed.organizationId, killed.syncId, { trigger: 'manual' });
    await enqueuer.enqueueRun(queued, 'zoho-invoice');

    // SIGTERM: the page in progress is finished and checkpointed, the process exits 0, the run stays resumable.
    await waitFor('a quarter of the contacts', readAtLeast(1 / 4), 60_000);
    const terminatedAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const stopMs = Date.now() - terminatedAt;
    const atTerm = await loadRun(queued.id);
    expect(atTerm?.status).toBe('running');
    expect(stopMs).toBeLessThan(10_000);

    // The next worker resumes at once (the job was left due); SIGKILL it in the middle.
    const second = await workerProcess('second');
    const before = await waitFor('half of the contacts', readAtLeast(1 / 2), 60_000);
    second.child.kill('SIGKILL');
    const killedAt = Date.now();
    await second.exited;
    const atKill = await loadRun(queued.id);
    expect(atKill?.status).toBe('running');
    expect(atKill?.readCount).toBeLessThan(CONTACTS);
    expect(atKill?.readCount).toBeGreaterThanOrEqual(before.readCount);
    expect(second.output()).toContain('run starting');

    // A third worker takes the job once the killed one's lock expired, and completes the run.
    const third = await workerProcess('third');
    const finished = await waitFor(
      'the replacement worker to finish the run',
      async () => {
        const run = await loadRun(queued.id);
        return run && (run.status === 'succeeded' || run.status === 'failed') ? run : undefined;
      },
      90_000,
    );
    expect(third.output()).toContain('run starting');
    process.stderr.write(
      `SIGTERM at ${atTerm?.readCount}/${CONTACTS} read (exit after ${stopMs} ms); SIGKILL at ${atKill?.readCount}; ` +
        `replacement finished ${Date.now() - killedAt} ms after the kill\n`,
    );

    const expected = await outcome(reference.organizationId, reference.listId, referenceRun);
    const actual = await outcome(killed.organizationId, killed.listId, finished);
    expect(actual.totals).toEqual(expected.totals);
    expect(actual.members).toBe(expected.members);
    expect(actual.records).toBe(finished.total);
    expect(actual.distinctSeq).toBe(finished.total);
    expect(actual.records).toBe(expected.records);
    expect(actual.leads).toEqual(expected.leads);
  }, 180_000);
});

/** A CSV file of `rows` people (every 40th an email again), with a malformed line far into it. */
function csvFile(rows: number): Buffer {
  const lines = ['email,first_name,last_name'];
  for (let i = 1; i <= rows; i++) {
    const who = i % 40 === 0 ? i - 17 : i;
    lines.push(
      i === rows - 1000 ? `odd${i}@example.com,"Quote"d,X` : `person${who}@example.com,First${i},Last${i}`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** An organization whose CSV connection names its own upload of `file`, and a sync of it. */
async function csvTenant(name: string, file: Buffer) {
  const { db } = handle;
  const [organization] = await db.insert(organizations).values({ name }).returning();
  if (!organization) throw new Error('no organization');
  const files = new StoredFileRepository(db, organization.id);
  const stored = await files.create({ name: 'people.csv', size: file.length });
  for (let at = 0; at < file.length; at += 1 << 20) {
    expect((await files.append(stored.id, at, file.subarray(at, at + (1 << 20)))).appended).toBe(true);
  }
  await files.complete(stored.id, 'not-checked-here');
  const [list] = await db
    .insert(mailingLists)
    .values({ organizationId: organization.id, name: 'Fair' })
    .returning();
  const [connection] = await db
    .insert(connections)
    .values({
      organizationId: organization.id,
      connectorId: 'csv',
      name: 'people.csv',
      credentialsEncrypted: '-',
      settings: { fileId: stored.id },
    })
    .returning();
  if (!list || !connection) throw new Error('no list or connection');
  await db
    .update(connections)
    .set({ credentialsEncrypted: new SecretBox(secretKey).sealJson({}, connection.id) })
    .where(eq(connections.id, connection.id));
  const [sync] = await db
    .insert(syncs)
    .values({
      organizationId: organization.id,
      connectionId: connection.id,
      name: 'Fair contacts',
      sourceOrganizationId: 'file',
      importMode: 'all',
      mailingListId: list.id,
      fieldMapping: [
        { source: 'email', target: 'email' },
        { source: 'first_name', target: 'firstName' },
        { source: 'last_name', target: 'lastName' },
      ],
      schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
      status: 'active',
    })
    .returning();
  if (!sync) throw new Error('no sync');
  return { organizationId: organization.id, listId: list.id, syncId: sync.id };
}

describe('a worker killed in the middle of a CSV run (issue 24)', () => {
  const ROWS = Number(process.env.LEADSYNC_E2E_CSV_ROWS ?? 60_000);

  it(`is replaced by another that resumes at the checkpoint's byte offset: leads and totals equal an uninterrupted run (${ROWS} rows, SIGKILL)`, async () => {
    const file = csvFile(ROWS);
    const reference = await csvTenant('CSV reference', file);
    const referenceRun = await engine.executeRun(
      (await engine.queueRun(reference.organizationId, reference.syncId, { trigger: 'manual' })).id,
    );
    expect(referenceRun.status).toBe('succeeded');
    expect(referenceRun.readCount).toBe(ROWS);
    expect(referenceRun.fileDuplicate).toBeGreaterThan(0);

    const killed = await csvTenant('CSV interrupted', file);
    const first = await workerProcess('csv first', 'csv');
    const queued = await engine.queueRun(killed.organizationId, killed.syncId, { trigger: 'manual' });
    await enqueuer.enqueueRun(queued, 'csv');
    const midway = await waitFor(
      'a third of the rows',
      async () => {
        const run = await loadRun(queued.id);
        return run && run.readCount >= ROWS / 3 ? run : undefined;
      },
      90_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await loadRun(queued.id);
    expect(atKill?.status).toBe('running');
    expect(atKill?.readCount).toBeLessThan(ROWS);
    expect(atKill?.readCount).toBeGreaterThanOrEqual(midway.readCount);
    const offset = (atKill?.checkpoint as { source?: { offset?: number } } | null)?.source?.offset ?? 0;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(file.length);

    const second = await workerProcess('csv second', 'csv');
    const finished = await waitFor(
      'the replacement worker to finish the CSV run',
      async () => {
        const run = await loadRun(queued.id);
        return run && (run.status === 'succeeded' || run.status === 'failed') ? run : undefined;
      },
      120_000,
    );
    expect(second.output()).toContain('run starting');
    process.stderr.write(`CSV: SIGKILL at ${atKill?.readCount}/${ROWS} rows read (byte ${offset})\n`);

    const expected = await outcome(reference.organizationId, reference.listId, referenceRun);
    const actual = await outcome(killed.organizationId, killed.listId, finished);
    expect(actual.totals).toEqual(expected.totals);
    expect(actual.members).toBe(expected.members);
    expect(actual.records).toBe(finished.total);
    expect(actual.distinctSeq).toBe(finished.total);
    expect(actual.leads).toEqual(expected.leads);
  }, 240_000);
});
