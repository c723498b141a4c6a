/**
 * `zoho.fleet` (issue 18): three worker processes on one job store, six syncs over two simulated Zoho organizations
 * (100 requests a minute each; a detail field mapped, so requests, not records, are the limit), all started at once.
 * Prints the highest request count of any organization in any window of a "minute", the share of the allowed rate
 * used while work was waiting, the 429s received and whether every run ended with the totals of a clean run. A
 * second case (`zoho.fleet.quota`) runs into the daily quota mid-run: every run shows `waiting`, the simulator's
 * quota resets with its scaled day, the workers resume the runs by themselves and each ends with the totals of a
 * clean run (each organization's three runs need about 1.7 days of its quota).
 *
 * The clock is scaled so that the bench takes about a minute: with FLEET_SCALE=10 (default) the simulator's
 * "minute" is 6 s (still 100 requests per organization) and the workers' budget is 940 a minute + a burst of 5;
 * the quota case's "day" is FLEET_DAY_MS (default 20 s). Every ratio is the same as at full scale.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { fastRegistry, simulatorSettings } from '@leadsync/connectors/testing';
import { createDatabase, runMigrations, SecretBox, startScratchPostgres } from '@leadsync/db';
import { runCounters, type SyncRun, syncRuns } from '@leadsync/db/schema';
import { createEngine } from '@leadsync/engine';
import { seedSync } from '@leadsync/engine/testing';
import { createJobScheduler } from '@leadsync/jobs';
import { createScratchDatabase } from '@leadsync/testing/scratch';
import { inArray } from 'drizzle-orm';
import pino from 'pino';

const SCALE = Number(process.env.FLEET_SCALE ?? 10);
const CONTACTS = Number(process.env.FLEET_CONTACTS ?? 150);
const DAY_MS = Number(process.env.FLEET_DAY_MS ?? 20_000);
const WINDOW_MS = 60_000 / SCALE;
const LIMIT = 100;
const ORGS = [
  { organization_id: '90000000001', name: 'Fleet One', time_zone: 'America/New_York' },
  { organization_id: '90000000002', name: 'Fleet Two', time_zone: 'Europe/Berlin' },
];
const MAPPING = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
  { source: 'billing_address.country', target: 'fields.country' },
];
const logger = pino({ level: 'silent' });

const server = await startScratchPostgres(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
const scratch = await createScratchDatabase(server.url, 'leadsync_fleet');
const { url } = scratch;
const secretKey = randomBytes(32);
const workers: ChildProcess[] = [];

async function worker(label: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...process.env,
      DATABASE_URL: url,
      FLEET_SCALE: String(SCALE),
      SECRET_KEY: secretKey.toString('hex'),
      WORKER_LABEL: label,
    },
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker ${label} exited with ${code}`)));
  });
  return child;
}

/** The most requests of one organization in any window of WINDOW_MS (two pointers over the sorted times). */
function maxInWindow(times: number[]): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while (times[to]! - times[from]! >= WINDOW_MS) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

try {
  await runMigrations(url);
  const handle = createDatabase(url, { max: 6 });
  const { db } = handle;
  const secretBox = new SecretBox(secretKey);
  const engine = createEngine({
    db,
    secretBox,
    registry: fastRegistry(),
    allowedHosts: ['127.0.0.1'],
    logger,
  });

  async function tenant(sim: ZohoInvoiceSimulator, organizationId: string) {
    const { organization, sync } = await seedSync({
      db,
      secretBox,
      name: `fleet ${randomBytes(3).toString('hex')}`,
      mapping: MAPPING,
      source: {
        connectorId: 'zoho-invoice',
        credentials: sim.credentials,
        settings: simulatorSettings(sim),
        sourceOrganizationId: organizationId,
      },
    });
    return { organizationId: organization.id, syncId: sync.id };
  }

  const common = {
    seed: 18,
    organizations: ORGS,
    contactsPerOrganization: CONTACTS,
    tokenMintLimit: false as const,
  };
  // Clean runs: the totals every fleet run must end with, per Zoho organization.
  const clean = await startZohoInvoiceSimulator({ ...common, rateLimit: false, dailyQuota: { limit: 1e9 } });
  const expected = new Map<string, ReturnType<typeof runCounters>>();
  for (const org of ORGS) {
    const t = await tenant(clean, org.organization_id);
    const run = await engine.executeRun(
      (await engine.queueRun(t.organizationId, t.syncId, { trigger: 'manual' })).id,
    );
    if (run.status !== 'succeeded') throw new Error(`clean run failed: ${run.error}`);
    expected.set(org.organization_id, runCounters(run));
  }
  await clean.close();

  for (let i = 0; i < 3; i++) workers.push(await worker(`w${i + 1}`));
  const enqueuer = createJobScheduler({ databaseUrl: url, concurrency: 1, logger, nextRunAt: () => null });
  await enqueuer.start();

  // Both cases by default; FLEET_CASES=zoho.fleet (or zoho.fleet.quota) runs one.
  const cases = (process.env.FLEET_CASES ?? 'zoho.fleet,zoho.fleet.quota').split(',');
  for (const bench of (['zoho.fleet', 'zoho.fleet.quota'] as const).filter((c) => cases.includes(c))) {
    const quota = bench === 'zoho.fleet.quota';
    const sim = await startZohoInvoiceSimulator({
      ...common,
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, retryAfter: false },
      // Quota case: 300 calls a "day" (reserve 30) for ~3 × (CONTACTS + 3) calls per organization.
      dailyQuota: quota ? { limit: 300, enforce: true, periodMs: DAY_MS } : { limit: 1e9 },
    });
    const tenants = [];
    for (const org of ORGS)
      for (let k = 0; k < 3; k++)
        tenants.push({ org: org.organization_id, ...(await tenant(sim, org.organization_id)) });
    const started = Date.now();
    const runIds: string[] = [];
    for (const t of tenants) {
      const run = await engine.queueRun(t.organizationId, t.syncId, { trigger: 'manual' });
      runIds.push(run.id);
      await enqueuer.enqueueRun(run, 'zoho-invoice');
    }
    const waited = new Set<string>();
    let runs: SyncRun[] = [];
    for (;;) {
      runs = await db.select().from(syncRuns).where(inArray(syncRuns.id, runIds));
      for (const r of runs) if (r.status === 'waiting') waited.add(r.id);
      if (runs.every((r) => r.status === 'succeeded' || r.status === 'failed')) break;
      if (Date.now() - started > 5 * 60_000) throw new Error('the fleet did not finish in 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (Date.now() - started) / 1000;
    const api = sim.requests.filter((r) => r.path.startsWith('/invoice/v3/') && r.organizationId);
    const perOrg = ORGS.map((org) =>
      api
        .filter((r) => r.organizationId === org.organization_id)
        .map((r) => r.at)
        .sort((a, b) => a - b),
    );
    const maxWindow = Math.max(...perOrg.map(maxInWindow));
    // The share of the allowed rate used while each organization had work: its requests over what the limit allows
    // from its first request to its last (the quota case's waits for the reset are taken out: no work could go).
    const shares = perOrg.map((times) => {
      const busyMs = Math.max(WINDOW_MS, times.at(-1)! - times[0]!);
      return times.length / ((LIMIT * busyMs) / WINDOW_MS);
    });
    const tooMany = api.filter((r) => r.status === 429).length;
    const byId = new Map(runs.map((r) => [r.id, r]));
    const exact = tenants.every((t, i) => {
      const run = byId.get(runIds[i]!)!;
      return (
        run.status === 'succeeded' && JSON.stringify(runCounters(run)) === JSON.stringify(expected.get(t.org))
      );
    });
    const line: Record<string, unknown> = {
      bench,
      value: maxWindow,
      unit: `max requests of one organization in any ${WINDOW_MS / 1000} s window (a scaled minute; limit ${LIMIT})`,
      shareOfAllowedRate: quota ? undefined : Math.round(Math.min(...shares) * 1000) / 1000,
      status429: tooMany,
      exactTotals: exact,
      runs: runs.length,
      seconds: Math.round(seconds * 10) / 10,
      scale: SCALE,
      workers: 3,
      requests: api.length,
    };
    if (quota) {
      line.runsThatWaited = waited.size;
      line.dayMs = DAY_MS;
      line.quotaPerDay = 300;
      line.maxCallsInADay = Math.max(...ORGS.map((o) => sim.requestsToday(o.organization_id)));
    }
    console.log(JSON.stringify(line));
    await sim.close();
  }
  await enqueuer.stop();
  await handle.close();
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await scratch.drop().catch(() => {});
  await server.stop();
}
