import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningPostgres, runMigrations, startEmbeddedPostgres } from '@leadsync/db';
import type { SyncRun } from '@leadsync/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consistencyViolations,
  createHarness,
  type Harness,
  recordsOf,
  type Tenant,
  totals,
} from './support/harness.ts';

const HEADER = 'email,first_name,last_name';

/** 2,000 rows = 4 CSV pages of 500, with repeats across pages, role and broken addresses. */
function file(): string {
  const lines = [HEADER];
  for (let i = 0; i < 2_000; i++) {
    if (i % 97 === 0) lines.push(`support@firm${i % 3}.example.com,Role,${i}`);
    else if (i % 89 === 0) lines.push(`broken${i}@,Bad,${i}`);
    else if (i % 7 === 0) lines.push(`person${Math.max(0, i - 600)}@example.com,Again,${i}`);
    else lines.push(`person${i}@example.com,P,${i}`);
  }
  return lines.join('\n');
}

/**
 * PostgreSQL itself goes away in the middle of a run: a real embedded server in a temporary folder, stopped after a
 * committed page and started again (same cluster, same port and password).
 */
describe('PostgreSQL restarted during a run', () => {
  let dataDir: string;
  let pg: RunningPostgres;
  let url: string;
  let h: Harness;
  const text = file();

  async function restart() {
    await pg.stop();
    pg = await startEmbeddedPostgres({ dataDir });
    expect(pg.url).toBe(url);
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'leadsync-reliability-'));
    // PostgreSQL runs as its own user when the tests run as root: it must be able to reach the cluster folder.
    await chmod(dataDir, 0o755);
    pg = await startEmbeddedPostgres({ dataDir });
    url = pg.url;
    await runMigrations(url);
    h = createHarness(url);
  });
  afterAll(async () => {
    await h?.close();
    await pg?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const csvTenant = () =>
    h.tenant({ connectorId: 'csv', credentials: {}, settings: { csv: text }, sourceOrganizationId: 'file' });

  let reference: { run: SyncRun; state: Awaited<ReturnType<Awaited<ReturnType<typeof csvTenant>>['state']>> };
  let referenceRecords: Awaited<ReturnType<typeof recordsOf>>;

  beforeAll(async () => {
    const tenant = await csvTenant();
    const run = await tenant.run();
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(await consistencyViolations(h.db, run, tenant.listId)).toEqual([]);
    reference = { run, state: await tenant.state() };
    referenceRecords = await recordsOf(h.db, run.id);
    expect(run.fileDuplicate).toBeGreaterThan(0);
  });

  const strip = (records: typeof referenceRecords) =>
    records.map((r) => [r.seq, r.sourceId, r.outcome, r.reason]);

  /** `run` ended as the uninterrupted reference did: same totals, consistent records in the same order, same data. */
  async function expectAsReference(run: SyncRun, tenant: Tenant) {
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(totals(run)).toEqual(totals(reference.run));
    expect(await consistencyViolations(h.db, run, tenant.listId)).toEqual([]);
    expect(strip(await recordsOf(h.db, run.id))).toEqual(strip(referenceRecords));
    expect(await tenant.state()).toEqual(reference.state);
  }

  it('a restart between two pages, with the database back before the next write, is invisible to the run', async () => {
    const tenant = await csvTenant();
    let pages = 0;
    const run = await tenant.run({
      heartbeat: async () => {
        pages++;
        // Between the two write units of 1,000 records (two CSV pages each).
        if (pages === 1) await restart();
      },
    });
    expect(pages).toBe(2);
    await expectAsReference(run, tenant);
  }, 60_000);

  it('the database down while a page is written: the run stops at its last committed page and resumes to the same leads and totals', async () => {
    const tenant = await csvTenant();
    const queued = await tenant.queue();
    let pages = 0;
    const outcome = await h.engine
      .executeRun(queued.id, {
        heartbeat: async () => {
          pages++;
          // The server goes away after the first unit (1,000 records) is committed; the second is then written
          // against no database.
          if (pages === 1) await pg.stop();
        },
      })
      .then(
        (run) => ({ run, error: undefined }),
        (error: unknown) => ({ run: undefined, error }),
      );
    // Page 3 cannot be written, nor can the run be marked failed: executeRun rejects and the run stays `running`.
    expect(outcome.run).toBeUndefined();
    expect(outcome.error).toBeInstanceOf(Error);
    pg = await startEmbeddedPostgres({ dataDir });

    const stopped = await h.getRun(queued.id);
    expect(stopped.status).toBe('running');
    expect(stopped.processedCount).toBe(1_000);
    expect(stopped.checkpoint).toMatchObject({ phase: 'read', source: { row: 1_000 } });
    expect(await consistencyViolations(h.db, stopped, tenant.listId)).toEqual([]);
    expect(strip(await recordsOf(h.db, queued.id))).toEqual(strip(referenceRecords.slice(0, 1_000)));

    // The worker (or whoever picks the run up) executes it again: it resumes from the checkpoint.
    await expectAsReference(await h.engine.executeRun(queued.id), tenant);
  }, 60_000);

  it('a shutdown racing the page writes (fast shutdown aborts open transactions): no lost or duplicated lead after recovery', async () => {
    const tenant = await csvTenant();
    const queued = await tenant.queue();
    let pages = 0;
    let stopping: Promise<void> | undefined;
    await h.engine
      .executeRun(queued.id, {
        heartbeat: async () => {
          pages++;
          // Not awaited: the shutdown runs while the engine classifies and writes the next page.
          if (pages === 1) stopping = pg.stop();
        },
      })
      .catch(() => undefined);
    await stopping;
    pg = await startEmbeddedPostgres({ dataDir });

    const after = await h.getRun(queued.id);
    expect(['running', 'failed', 'succeeded']).toContain(after.status);
    expect(await consistencyViolations(h.db, after, tenant.listId)).toEqual([]);
    expect(strip(await recordsOf(h.db, queued.id))).toEqual(
      strip(referenceRecords.slice(0, after.processedCount)),
    );
    // Recovery: a `running` run resumes; a `failed` one is followed by the next run of the sync.
    const done = after.status === 'running' ? await h.engine.executeRun(queued.id) : await tenant.run();
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(await consistencyViolations(h.db, done, tenant.listId)).toEqual([]);
    if (done.id === queued.id) expect(totals(done)).toEqual(totals(reference.run));
    expect(await tenant.state()).toEqual(reference.state);
  }, 60_000);
});
