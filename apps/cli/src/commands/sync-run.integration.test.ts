import { connections, syncRuns } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { CliError } from '../lookup.ts';
import { useEngineTestBed } from '../testing/database.ts';
import { collect } from '../testing/factories.ts';
import { listSyncs } from './sync-list.ts';
import { type RunProgress, runSync, syncLockKey } from './sync-run.ts';

const bed = useEngineTestBed();

const SMALL_CSV = [
  'email,first_name',
  'ada@example.com,Ada',
  'bob@example.org,Bob',
  'ada@example.com,Ada again',
  'info@example.com,Info',
  ',Nobody',
  'carl@gnail.com,Carl',
].join('\n');

/** Collects the counters the heartbeat reports, and can stop the run at a given update. */
function recordingProgress(onUpdate?: (n: number) => void) {
  const updates: { read: number; processed: number }[] = [];
  let started: { runId: string; total?: number } | undefined;
  let stopped = false;
  const progress: RunProgress = {
    start(info) {
      started = info;
    },
    update(counters) {
      updates.push(counters);
      onUpdate?.(updates.length);
    },
    stop() {
      stopped = true;
    },
  };
  return { progress, updates, started: () => started, stopped: () => stopped };
}

async function csvSync(csv: string, orgName = 'Acme') {
  const { org, list } = await bed.f.organization(orgName);
  const connection = await bed.f.connection(org.id, { settings: { csv } });
  const sync = await bed.f.sync({
    organizationId: org.id,
    connectionId: connection.id,
    mailingListId: list.id,
  });
  return { org, sync };
}

describe('leadsync sync run', () => {
  it('prints the warning of a run whose deletions the mass-deletion guard held (issue 17)', async () => {
    const { sync } = await csvSync('email\nx1@example.com\nx2@example.com\nx3@example.com', 'Guarded');
    await runSync(bed.deps(), sync.id, {}, collect());
    await bed.handle.db
      .update(connections)
      .set({ settings: { csv: 'email\nx1@example.com' } })
      .where(eq(connections.id, sync.connectionId));
    const out = collect();
    const { run } = await runSync(bed.deps(), sync.id, {}, out);
    expect(run).toMatchObject({ status: 'succeeded', deleted: 0, heldDeletions: 2 });
    expect(out.text).toMatch(/^Warning: The source no longer lists 2 of the 3 records/m);
  });

  it('runs a CSV sync to the end and prints totals, the ignored breakdown and the duration', async () => {
    const { sync } = await csvSync(SMALL_CSV);
    const out = collect();
    const recorded = recordingProgress();
    const { run, interrupted } = await runSync(
      { ...bed.deps(), progress: recorded.progress },
      sync.id,
      {},
      out,
    );
    expect(interrupted).toBe(false);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      total: 6,
      newLeads: 2,
      ignored: 4,
      fileDuplicate: 1,
      groupEmail: 1,
      emptyEmail: 1,
      invalidPattern: 1,
    });
    expect(recorded.stopped()).toBe(true);
    expect(recorded.updates.at(-1)).toEqual({ read: 6, processed: 6 });
    expect(out.text).toContain(`Running run ${run.id} of sync "Spreadsheet import"`);
    expect(out.text).toContain(`Run ${run.id}: succeeded`);
    expect(out.text).toMatch(/Duration: [\d.]+ (ms|s) · 6 source records read/);
    expect(out.text).toMatch(/^new +2$/m);
    expect(out.text).toMatch(/^ {2}file duplicate +1$/m);
    expect(out.text).toMatch(/^ {2}group email +1$/m);
    expect(out.text).toMatch(/^ {2}empty email +1$/m);
    expect(out.text).toMatch(/^ {2}invalid pattern +1$/m);
    expect(out.text).toMatch(/^total +6$/m);

    const second = await runSync(bed.deps(), sync.id, {}, collect());
    expect(second.run).toMatchObject({ status: 'succeeded', newLeads: 0, duplicate: 2, ignored: 4 });
  });

  it('moves the progress bar page by page, with the estimate as its total', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => `person${i}@example.com,P${i}`);
    const { sync } = await csvSync(['email,first_name', ...rows].join('\n'), 'Pages');
    const recorded = recordingProgress();
    const { run } = await runSync(
      {
        ...bed.deps(),
        progress: recorded.progress,
        estimate: true,
      },
      sync.id,
      {},
      collect(),
    );
    expect(run).toMatchObject({ status: 'succeeded', total: 1_200, newLeads: 1_200 });
    expect(recorded.started()).toEqual({ runId: run.id, total: 1_200 });
    // The start, one heartbeat per write unit of 1,000 records (two CSV pages of 500), and the end.
    expect(recorded.updates.map((u) => u.read)).toEqual([0, 1_000, 1_200, 1_200]);
  });

  it('stops after a page when interrupted, and the next `sync run` resumes the same run', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => `resume${i}@example.com,R${i}`);
    const { sync } = await csvSync(['email,first_name', ...rows].join('\n'), 'Resume');
    const interrupts = new AbortController();
    const recorded = recordingProgress((n) => {
      if (n === 2) interrupts.abort();
    });
    const out = collect();
    const first = await runSync(
      {
        ...bed.deps(),
        progress: recorded.progress,
        signal: interrupts.signal,
      },
      sync.id,
      {},
      out,
    );
    expect(first.interrupted).toBe(true);
    expect(first.run).toMatchObject({ status: 'running', processedCount: 1_000 });
    expect(out.text).toContain(`Run \`leadsync sync run ${sync.id}\` again to resume`);

    const resumedOut = collect();
    const resumed = await runSync(bed.deps(), sync.id, {}, resumedOut);
    expect(resumed.run).toMatchObject({
      id: first.run.id,
      status: 'succeeded',
      total: 1_200,
      newLeads: 1_200,
    });
    expect(resumedOut.text).toContain(`Resuming run ${first.run.id}`);
  });

  it('reports a failed run with its error', async () => {
    const { sync } = await csvSync('name,city\nAda,London\n', 'Broken');
    const out = collect();
    const { run } = await runSync(bed.deps(), sync.id, {}, out);
    expect(run.status).toBe('failed');
    expect(out.text).toContain(`Run ${run.id}: failed`);
    expect(out.text).toMatch(/Error: .*email/i);
  });

  it('refuses to run a sync that a worker is running (its advisory lock is held)', async () => {
    const { sync } = await csvSync(SMALL_CSV, 'Busy');
    const worker = postgres(bed.url, { max: 1, onnotice: () => {} });
    try {
      await worker`SELECT pg_advisory_lock(hashtextextended(${syncLockKey(sync.id)}, 0))`;
      await expect(runSync(bed.deps(), sync.id, {}, collect())).rejects.toThrow(/being run by a worker/);
      const runs = await bed.handle.db.select().from(syncRuns).where(eq(syncRuns.syncId, sync.id));
      expect(runs).toEqual([]);
    } finally {
      await worker.end();
    }
  });

  it('finds a sync in any organization, and only in the given one with --org', async () => {
    const { org, sync } = await csvSync(SMALL_CSV, 'Scoped');
    const other = await bed.f.organization('Other');
    const deps = bed.deps();
    await expect(runSync(deps, sync.id, { organizationId: other.org.id }, collect())).rejects.toThrow(
      CliError,
    );
    await expect(runSync(deps, 'not-a-uuid', {}, collect())).rejects.toThrow(/Sync not-a-uuid was not found/);
    const { run } = await runSync(deps, sync.id, { organizationId: org.id }, collect());
    expect(run).toMatchObject({ organizationId: org.id, status: 'succeeded' });
  });
});

describe('leadsync sync list', () => {
  it('lists every organization’s syncs with connector, status and next run', async () => {
    const { org, list } = await bed.f.organization('Zulu');
    const connection = await bed.f.connection(org.id);
    const nextRunAt = new Date('2031-01-02T06:00:00Z');
    const sync = await bed.f.sync({
      organizationId: org.id,
      connectionId: connection.id,
      mailingListId: list.id,
      name: 'Zulu daily',
      nextRunAt,
    });
    const out = collect();
    const rows = await listSyncs(bed.handle.db, {}, out);
    expect(rows.length).toBeGreaterThan(1);
    expect(out.text.split('\n')[0]).toMatch(/^id +name +connector +status +next run +organization$/);
    expect(out.text).toMatch(
      new RegExp(`^${sync.id} +Zulu daily +csv +active +2031-01-02T06:00:00Z +Zulu$`, 'm'),
    );

    const only = collect();
    expect(await listSyncs(bed.handle.db, { organizationId: org.id }, only)).toHaveLength(1);
    expect(only.text.trim().split('\n')).toHaveLength(3);
  });
});
