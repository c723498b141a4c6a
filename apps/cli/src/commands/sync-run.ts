import type { ConnectorRegistry } from '@leadsync/connector-sdk';
import { type Database, SyncRunRepository, syncLockKey, withSessionLock } from '@leadsync/db';
import type { SyncRun } from '@leadsync/db/schema';
import type { Engine } from '@leadsync/engine';
import type postgres from 'postgres';
import { formatCount, formatDuration, formatTable, type Writer, writeLine } from '../format.ts';
import { CliError, findSync } from '../lookup.ts';

/** Shows how far a run got; `leadsync` draws a cli-progress bar on a terminal. */
export interface RunProgress {
  start(info: { runId: string; total?: number }): void;
  update(counters: { read: number; processed: number }): void;
  stop(): void;
}

export interface SyncRunDeps {
  db: Database;
  /** The pool's client: one of its sessions holds the sync's advisory lock while the run executes. */
  sql: postgres.Sql;
  engine: Engine;
  /** The registry the engine runs on: the estimate asks the sync's connector. */
  registry: ConnectorRegistry;
  progress?: RunProgress;
  /** Aborting it stops the run after the page being written; the run stays `running` and resumes next time. */
  signal?: AbortSignal;
  /** Asks the source how many records there are first (for a bar with a percentage); costs requests on some sources. */
  estimate?: boolean;
}

export interface SyncRunResult {
  run: SyncRun;
  /** Stopped by the signal before the end: the run is still `running` and resumes from its checkpoint. */
  interrupted: boolean;
}

/**
 * The key of the advisory lock a worker holds while it runs a sync (`@leadsync/jobs`' handlers), so a run started
 * here never executes beside the same sync's run in a worker, nor beside an undo of it (which takes it too).
 */
export { syncLockKey } from '@leadsync/db';

/**
 * `leadsync sync run <syncId>`: queues a manual run (or takes the sync's queued/running one, which then resumes) and
 * executes it in this process, then prints the report.
 */
export async function runSync(
  deps: SyncRunDeps,
  syncId: string,
  options: { organizationId?: string },
  out: Writer,
): Promise<SyncRunResult> {
  const { sync, connection, organizationName } = await findSync(deps.db, syncId, options.organizationId);
  const held = await withSessionLock(deps.sql, syncLockKey(sync.id), async (): Promise<SyncRunResult> => {
    const queued = await deps.engine.queueRun(sync.organizationId, sync.id, { trigger: 'manual' });
    writeLine(
      out,
      `${queued.status === 'running' ? 'Resuming' : 'Running'} run ${queued.id} of sync "${sync.name}" ` +
        `(${connection.connectorId} connection "${connection.name}", organization "${organizationName}")`,
    );
    let total: number | undefined;
    if (deps.estimate)
      total = await estimateRecords(deps, connection, {
        organizationId: sync.sourceOrganizationId,
        activeOnly: sync.activeRecordsOnly,
      });
    deps.progress?.start({ runId: queued.id, total });
    deps.progress?.update({ read: queued.readCount, processed: queued.processedCount });
    const runs = new SyncRunRepository(deps.db, sync.organizationId);
    const heartbeat = async () => {
      const counters = await runs.progress(queued.id);
      if (counters) deps.progress?.update(counters);
    };
    let run: SyncRun;
    try {
      run = await deps.engine.executeRun(queued.id, { heartbeat, signal: deps.signal });
      deps.progress?.update({ read: run.readCount, processed: run.processedCount });
    } finally {
      deps.progress?.stop();
    }
    const interrupted = run.status === 'queued' || run.status === 'running' || run.status === 'waiting';
    writeRunReport(run, out);
    if (run.status === 'waiting') {
      writeLine(
        out,
        `Waiting: ${run.waitingReason ?? 'the source asked to wait'}. A worker resumes it at ` +
          `${run.waitingUntil?.toISOString() ?? 'the quota reset'}; or run \`leadsync sync run ${sync.id}\` again then.`,
      );
    } else if (interrupted) {
      writeLine(
        out,
        `Stopped after a page. Run \`leadsync sync run ${sync.id}\` again to resume from the checkpoint.`,
      );
    }
    return { run, interrupted };
  });
  if (!held.locked) {
    throw new CliError(
      `Sync ${sync.id} is being run by a worker right now; wait for that run to finish (see the console).`,
    );
  }
  return held.value;
}

async function estimateRecords(
  { engine, registry }: Pick<SyncRunDeps, 'engine' | 'registry'>,
  connection: Parameters<Engine['connectorContext']>[0],
  request: { organizationId: string; activeOnly: boolean },
): Promise<number | undefined> {
  const connector = registry.has(connection.connectorId) ? registry.get(connection.connectorId) : undefined;
  if (!connector?.estimateCost) return undefined;
  try {
    return (await connector.estimateCost(engine.connectorContext(connection), request)).records;
  } catch {
    // Only a nicer bar was at stake: the run itself reports any problem with the source.
    return undefined;
  }
}

/** Status, totals, ignored breakdown and duration of a run. */
export function writeRunReport(run: SyncRun, out: Writer): void {
  const duration =
    run.startedAt && run.finishedAt
      ? formatDuration(run.finishedAt.getTime() - run.startedAt.getTime())
      : '–';
  writeLine(out);
  writeLine(out, `Run ${run.id}: ${run.status}${run.dryRun ? ' (preview: nothing written)' : ''}`);
  if (run.error) writeLine(out, `Error: ${run.error}`);
  if (run.warning) writeLine(out, `Warning: ${run.warning}`);
  writeLine(out, `Duration: ${duration} · ${formatCount(run.readCount)} source records read`);
  writeLine(out);
  const n = (value: number) => formatCount(value).padStart(9);
  out.write(
    formatTable(
      ['outcome', '   leads'],
      [
        ['new', n(run.newLeads)],
        ['re-added', n(run.reAdded)],
        ['duplicate', n(run.duplicate)],
        ['ignored', n(run.ignored)],
        ['  bounced', n(run.bounced)],
        ['  do not mail', n(run.doNotMail)],
        ['  group email', n(run.groupEmail)],
        ['  file duplicate', n(run.fileDuplicate)],
        ['  empty email', n(run.emptyEmail)],
        ['  invalid pattern', n(run.invalidPattern)],
        ['total', n(run.total)],
        ['deleted', n(run.deleted)],
      ],
    ),
  );
}
