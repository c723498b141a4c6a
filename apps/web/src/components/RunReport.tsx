import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage } from '../api/errors.ts';
import { RunRejectionsQuery, syncRunQuery } from '../api/operations.ts';
import type { SyncRunSummary, UndoKeptReason, UndoReport } from '../api/types.ts';
import { formatDateTime, formatDuration, formatNumber } from '../lib/format.ts';
import { usePolling } from '../lib/usePolling.ts';
import { type RecordFilter, RunRecords } from './RunRecords.tsx';
import {
  IgnoredBreakdownView,
  isInProgress,
  RunProgressView,
  RunStatusBadge,
  RunTotalsSummary,
} from './report.tsx';
import { ErrorBanner, Loading, Notice, Warning } from './ui.tsx';

const KEPT_BECAUSE: Record<UndoKeptReason, string> = {
  SUPPRESSED: 'bounced or do-not-mail since',
  CHANGED_AFTER_RUN: 'changed after the run',
  HELD_BY_OTHER_SYNC: 'held by another sync',
  HELD_BY_PERSON: 'put on the list by a person',
  ON_OTHER_LIST: 'on another list',
};

/** One sentence: what an undo reversed and what it kept, and why. */
export function describeUndo(report: UndoReport): string {
  const reversed = `Undo reversed ${report.reversed} ${report.reversed === 1 ? 'lead' : 'leads'}`;
  if (report.kept === 0) return `${reversed}.`;
  const why = report.keptByReason.map((k) => `${k.count} ${KEPT_BECAUSE[k.reason]}`).join(', ');
  return `${reversed} and kept ${report.kept} as they are now: ${why}.`;
}

/** "The row on line 734512 is not valid CSV: a quote is never closed." → "line 734,512: a quote is never closed." */
export function describeRejection(reason: string): string {
  const match = /^The row on line (\d+) (?:is not valid CSV: )?(.*)$/s.exec(reason);
  return match ? `line ${formatNumber(Number(match[1]))}: ${match[2]}` : reason;
}

/** The source records the run skipped because it could not read them (a CSV file's malformed lines), and why. */
export function RunRejections({ run }: { run: SyncRunSummary }) {
  const count = run.rejectedCount ?? 0;
  if (count === 0) return null;
  const reasons = run.rejections ?? [];
  const byLine = reasons.length > 0 && reasons.every((r) => r !== describeRejection(r));
  const what = byLine
    ? count === 1
      ? 'row of the file'
      : 'rows of the file'
    : count === 1
      ? 'record'
      : 'records';
  const list =
    reasons.length === 0
      ? '; the rest was imported.'
      : ` (the rest was imported)${reasons.length < count ? `; the first ${formatNumber(reasons.length)}` : ''}:`;
  return (
    <Warning testId="run-rejections">
      <p>
        {formatNumber(count)} {what} could not be read and {count === 1 ? 'was' : 'were'} skipped{list}
      </p>
      {reasons.length > 0 ? (
        <ul>
          {reasons.map((reason, i) => (
            // The same reason may come twice; the order is the source's.
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, never reordered
            <li key={i}>{describeRejection(reason)}</li>
          ))}
        </ul>
      ) : null}
    </Warning>
  );
}

/**
 * The skipped rows of the run a report shows. A run from a list (the history) comes with its count only: its reasons
 * are asked here, for this run alone, and again when a run in progress skips more.
 */
function ShownRunRejections({ run }: { run: SyncRunSummary }) {
  const count = run.rejectedCount ?? 0;
  const ask = count > 0 && run.rejections == null;
  const [{ data }, reexecute] = useQuery<{ syncRun: Pick<SyncRunSummary, 'id' | 'rejections'> | null }>({
    query: RunRejectionsQuery,
    variables: { id: run.id },
    pause: !ask,
  });
  const asked = useRef(count);
  useEffect(() => {
    if (!ask || asked.current === count) return;
    asked.current = count;
    reexecute({ requestPolicy: 'network-only' });
  }, [ask, count, reexecute]);
  const rejections = run.rejections ?? (data?.syncRun?.id === run.id ? data.syncRun.rejections : null);
  return <RunRejections run={{ ...run, rejections }} />;
}

interface Props {
  run: SyncRunSummary;
  timeZone?: string;
  /** The run is being watched elsewhere; bump to refresh the records. */
  refreshKey?: string | number;
  /** Extra actions for the run, e.g. Download report, Undo. */
  actions?: React.ReactNode;
}

/** One run's report: status, the totals, why records were ignored, and the records themselves. */
export function RunReport({ run, timeZone, refreshKey, actions }: Props) {
  const [filter, setFilter] = useState<RecordFilter>({ outcome: null, reason: null });
  return (
    <section className="run-report" aria-labelledby={`run-${run.id}-heading`} data-testid="run-report">
      <div className="row wrap space-between">
        <h2 id={`run-${run.id}-heading`}>
          {run.dryRun ? 'Preview' : 'Run'}
          {run.startedAt || run.finishedAt
            ? ` of ${formatDateTime(run.startedAt ?? run.finishedAt, timeZone)}`
            : ' waiting to start'}{' '}
          <RunStatusBadge run={run} />
        </h2>
        <div className="row wrap">{actions}</div>
      </div>
      {run.finishedAt ? (
        <p className="muted">
          Finished {formatDateTime(run.finishedAt, timeZone)} · took{' '}
          {formatDuration(run.startedAt, run.finishedAt)}
          {run.dryRun ? ' · a preview: nothing was written' : ''}
          {run.undoneAt ? ` · undone ${formatDateTime(run.undoneAt, timeZone)}` : ''}
        </p>
      ) : null}
      {isInProgress(run) ? <RunProgressView run={run} /> : null}
      {run.status === 'WAITING' ? (
        <p className="notice" role="status" data-testid="run-waiting">
          Waiting for the source's quota ({run.waitingReason ?? 'the source asked to wait'}); resumes at{' '}
          {formatDateTime(run.waitingUntil)} your time, by itself. Everything read so far is kept.
        </p>
      ) : null}
      {run.status === 'SUCCEEDED' && run.deletionsChecked === false ? (
        <p className="muted" data-testid="run-deletions-not-checked">
          This run did not look for contacts deleted at the source (it does so at most once per the sync's
          deletion period, and not when the source's daily quota is low); a later run will.
        </p>
      ) : null}
      {run.status === 'FAILED' && run.error ? (
        <ErrorBanner message={`The run failed: ${run.error}`} testId="run-error" />
      ) : null}
      {run.warning ? <Warning testId="run-warning">{run.warning}</Warning> : null}
      <ShownRunRejections run={run} />
      {run.undoReport ? <Notice testId="undo-report">{describeUndo(run.undoReport)}</Notice> : null}
      <RunTotalsSummary totals={run.totals} />
      <h3>Ignored, by reason</h3>
      <IgnoredBreakdownView
        breakdown={run.ignoredBreakdown}
        onShow={(reason) => {
          setFilter({ outcome: 'IGNORED', reason });
          window.setTimeout(() => document.getElementById('records-heading')?.scrollIntoView?.(), 0);
        }}
      />
      <RunRecords runId={run.id} filter={filter} onFilterChange={setFilter} refreshKey={refreshKey} />
    </section>
  );
}

/** A run looked up by id and followed until it ends (used for previews). */
export function WatchedRunReport({ runId, timeZone }: { runId: string; timeZone?: string }) {
  const caps = useCapabilities();
  const [{ data, error }, reexecute] = useQuery<{ syncRun: SyncRunSummary | null }>({
    query: syncRunQuery(caps),
    variables: { id: runId },
    requestPolicy: 'network-only',
  });
  const run = data?.syncRun;
  const [refreshKey, setRefreshKey] = useState(0);
  const tick = useCallback(() => {
    reexecute({ requestPolicy: 'network-only' });
    setRefreshKey((k) => k + 1);
  }, [reexecute]);
  usePolling(isInProgress(run), tick);
  if (error) return <ErrorBanner message={errorMessage(error)} />;
  if (!run) return <Loading what="the run" />;
  return <RunReport run={run} timeZone={timeZone} refreshKey={`${refreshKey}:${run.status}`} />;
}
