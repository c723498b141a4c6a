import { BREAKDOWN_KEYS, COUNT_KEYS } from '@leadsync/core';
import { type Page, RunRecordRepository, SyncRunRepository } from '@leadsync/db/repositories';
import {
  type RunRecord as RunRecordRow,
  runCounters,
  type SyncRun as SyncRunRow,
  type UndoReport as UndoReportRow,
} from '@leadsync/db/schema';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { MAX_FIRST } from '../../graphql/pagination.ts';
import { parse } from '../../graphql/validation.ts';
import { runNotFound } from './run.errors.ts';
import type { IgnoredReason, Outcome, SyncRun, UndoKeptReason, UndoReport } from './run.type.ts';

const pageArgs = z.object({
  first: z.number().int().min(1, 'at least 1').max(MAX_FIRST, `at most ${MAX_FIRST}`).nullish(),
  after: z.string().max(500).nullish(),
});

function toUndoReport(report: UndoReportRow): UndoReport {
  const keptByReason = Object.entries(report.kept).map(([reason, count]) => ({
    reason: reason as UndoKeptReason,
    count: count ?? 0,
  }));
  return {
    reversed: report.reversed,
    kept: keptByReason.reduce((sum, entry) => sum + entry.count, 0),
    keptByReason,
    keptLeads: report.keptLeads.map((lead) => ({ email: lead.email, reason: lead.reason as UndoKeptReason })),
  };
}

export function toSyncRun(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    syncId: row.syncId,
    status: row.status as SyncRun['status'],
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    error: row.error,
    createdAt: row.createdAt,
    trigger: row.trigger,
    dryRun: row.dryRun,
    undoneAt: row.undoneAt,
    undoReport: row.undoReport ? toUndoReport(row.undoReport) : null,
    heldDeletions: row.heldDeletions,
    warning: row.warning,
    waitingUntil: row.waitingUntil,
    waitingReason: row.waitingReason,
    deletionsChecked: row.deletionsChecked,
    ...runCounters(row),
    progress: { read: row.readCount, processed: row.processedCount },
    cleanedFields: row.cleanedFields,
    rejectedCount: row.rejectedCount,
    rejections: row.rejections,
  };
}

/**
 * The columns of `sync_runs` each field of the GraphQL `SyncRun` reads through toSyncRun, for the projection of
 * `Sync.lastRun` in the `syncs` list (issue 22). A field not listed reads every column (columnsOf).
 */
export const RUN_FIELD_COLUMNS: Readonly<Record<string, readonly (keyof SyncRunRow)[]>> = {
  id: ['id'],
  syncId: ['syncId'],
  status: ['status'],
  startedAt: ['startedAt'],
  finishedAt: ['finishedAt'],
  error: ['error'],
  createdAt: ['createdAt'],
  trigger: ['trigger'],
  dryRun: ['dryRun'],
  undoneAt: ['undoneAt'],
  undoReport: ['undoReport'],
  heldDeletions: ['heldDeletions'],
  warning: ['warning'],
  waitingUntil: ['waitingUntil'],
  waitingReason: ['waitingReason'],
  deletionsChecked: ['deletionsChecked'],
  // A run's counters are columns of the same names (runCounters).
  totals: COUNT_KEYS,
  ignoredBreakdown: BREAKDOWN_KEYS,
  progress: ['readCount', 'processedCount'],
  cleanedFields: ['cleanedFields'],
  rejectedCount: ['rejectedCount'],
  rejections: ['rejections'],
  records: ['id'],
};

/** What toSyncRun reads whatever is selected. */
export const RUN_BASE_COLUMNS: readonly (keyof SyncRunRow)[] = ['id'];

export class RunService {
  readonly runs: SyncRunRepository;
  readonly records: RunRecordRepository;

  constructor(
    private readonly deps: ApiDeps,
    private readonly organizationId: string,
  ) {
    this.runs = new SyncRunRepository(deps.db, organizationId);
    this.records = new RunRecordRepository(deps.db, organizationId);
  }

  async get(id: string): Promise<SyncRunRow> {
    const row = await this.runs.get(id);
    if (!row) throw runNotFound(id);
    return row;
  }

  /**
   * Reverses a run (issue 10): only the sync's latest succeeded, real, not yet undone run; any other is refused
   * with BAD_USER_INPUT by the engine.
   */
  async undo(id: string): Promise<SyncRunRow> {
    await this.get(id);
    return this.deps.engine.undoRun(this.organizationId, id);
  }

  find(id: string): Promise<SyncRunRow | undefined> {
    return this.runs.get(id);
  }

  /**
   * The newest real run of each sync (absent: none); given `columns` (RUN_FIELD_COLUMNS of a selection), the runs
   * hold only those: for toSyncRun of that selection.
   */
  latestOf(
    syncIds: readonly string[],
    columns?: readonly (keyof SyncRunRow)[],
  ): Promise<Map<string, SyncRunRow>> {
    return this.runs.latestBySyncIds(syncIds, { columns });
  }

  /** Given `columns` (RUN_FIELD_COLUMNS of a selection), the runs hold only those: for toSyncRun of that selection. */
  listBySync(
    syncId: string,
    args: { first?: number | null; after?: string | null },
    columns?: readonly (keyof SyncRunRow)[],
  ): Promise<Page<SyncRunRow>> {
    const input = parse(pageArgs, args, '');
    return this.runs.listBySync(syncId, { first: input.first ?? 20, after: input.after, columns });
  }

  recordsOf(
    runId: string,
    args: {
      outcome?: Outcome | null;
      reason?: IgnoredReason | null;
      first?: number | null;
      after?: string | null;
    },
  ): Promise<Page<RunRecordRow>> {
    const input = parse(pageArgs, args, '');
    return this.records.page(runId, {
      outcome: args.outcome ?? null,
      reason: args.reason ?? null,
      first: input.first ?? 50,
      after: input.after,
    });
  }
}
