// The pieces of a run's report (status badge, totals, ignored breakdown, progress, history table and chart), shared
// by the run page and the wizard's preview; about 300 lines of small components.

import type { IgnoredBreakdown, IgnoredReason, RunStatus, RunTotals, SyncRunSummary } from '../api/types.ts';
import { formatDateTime, formatDuration, formatNumber } from '../lib/format.ts';
import {
  breakdownKeys,
  ignoredReasons,
  outcomeDescriptions,
  reasonDescriptions,
  reasonLabels,
  totalsColumns,
} from '../lib/reasons.ts';
import { Table } from './Table.tsx';
import { Badge, type Tone } from './ui.tsx';

const runTones: Record<RunStatus, Tone> = {
  QUEUED: 'info',
  RUNNING: 'info',
  WAITING: 'warn',
  SUCCEEDED: 'good',
  FAILED: 'bad',
};

const runWords: Record<RunStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  WAITING: 'Waiting',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
};

export function isInProgress(run: Pick<SyncRunSummary, 'status'> | null | undefined): boolean {
  return run?.status === 'QUEUED' || run?.status === 'RUNNING';
}

export function RunStatusBadge({ run }: { run: Pick<SyncRunSummary, 'status' | 'dryRun' | 'undoneAt'> }) {
  return (
    <span className="badges">
      <Badge tone={runTones[run.status]} testId="run-status">
        {runWords[run.status]}
      </Badge>
      {run.dryRun ? <Badge tone="neutral">Preview</Badge> : null}
      {run.undoneAt ? <Badge tone="warn">Undone</Badge> : null}
    </span>
  );
}

/** The six numbers of a run, as cards. */
export function RunTotalsSummary({ totals }: { totals: RunTotals }) {
  return (
    <dl className="totals" data-testid="run-totals">
      {totalsColumns.map((c) => (
        <div
          key={c.key}
          className={`total total-${c.key}`}
          data-testid={`total-${c.key}`}
          title={c.outcome ? outcomeDescriptions[c.outcome] : 'Records read from the source within scope'}
        >
          <dt>{c.label}</dt>
          <dd>{formatNumber(c.key === 'total' ? totals.total : totals[c.key])}</dd>
        </div>
      ))}
    </dl>
  );
}

interface HistoryProps {
  runs: SyncRunSummary[];
  selectedRunId: string | null;
  runHref: (runId: string) => string;
  timeZone?: string;
}

/** One row per run: when, how long, and its totals. */
export function RunHistoryTable({ runs, selectedRunId, runHref, timeZone }: HistoryProps) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="run-history">
        <caption className="visually-hidden">Run history, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            {totalsColumns.map((c) => (
              <th key={c.key} scope="col" className="num">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr
              key={run.id}
              className={run.id === selectedRunId ? 'selected' : undefined}
              data-testid={`run-row-${run.id}`}
              aria-current={run.id === selectedRunId ? 'true' : undefined}
            >
              <th scope="row">
                <a href={runHref(run.id)}>
                  {run.startedAt || run.finishedAt
                    ? formatDateTime(run.startedAt ?? run.finishedAt, timeZone)
                    : 'Waiting to start'}
                </a>
              </th>
              <td>
                <RunStatusBadge run={run} />
              </td>
              <td>{formatDuration(run.startedAt, run.finishedAt)}</td>
              {totalsColumns.map((c) => (
                <td key={c.key} className="num" data-testid={`run-${run.id}-${c.key}`}>
                  {formatNumber(run.totals[c.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const chartSeries = [
  { key: 'newLeads', label: 'New', className: 'series-new' },
  { key: 'reAdded', label: 'Re-added', className: 'series-readded' },
  { key: 'duplicate', label: 'Duplicate', className: 'series-duplicate' },
  { key: 'ignored', label: 'Ignored', className: 'series-ignored' },
] as const;

function shortDate(iso: string | null, timeZone?: string): string {
  if (!iso) return '';
  try {
    return new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      ...(timeZone ? { timeZone } : {}),
    }).format(new Date(iso));
  } catch {
    return iso.slice(0, 10);
  }
}

/** Stacked bars of each run's outcomes over time, oldest on the left. Plain SVG. */
export function RunsChart({ runs, timeZone }: { runs: SyncRunSummary[]; timeZone?: string }) {
  const shown = runs
    .filter((r) => !r.dryRun && !isInProgress(r))
    .slice(0, 30)
    .reverse();
  if (shown.length === 0) return null;
  const width = 600;
  const height = 160;
  const pad = { top: 10, bottom: 20, left: 36, right: 8 };
  const max = Math.max(1, ...shown.map((r) => r.totals.total));
  const slot = (width - pad.left - pad.right) / shown.length;
  const barWidth = Math.max(4, Math.min(40, slot * 0.7));
  const scale = (n: number) => (n / max) * (height - pad.top - pad.bottom);
  const summary = `Runs over time: ${shown.length} runs, the largest with ${max} records.`;
  return (
    <figure className="chart" data-testid="runs-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
        <line
          x1={pad.left}
          x2={width - pad.right}
          y1={height - pad.bottom}
          y2={height - pad.bottom}
          className="axis"
        />
        <text x={pad.left - 4} y={pad.top + 8} textAnchor="end" className="axis-label">
          {max}
        </text>
        <text x={pad.left - 4} y={height - pad.bottom} textAnchor="end" className="axis-label">
          0
        </text>
        {shown.length > 0 ? (
          <text x={pad.left} y={height - 6} className="axis-label">
            {shortDate(shown[0]?.startedAt ?? null, timeZone)}
          </text>
        ) : null}
        {shown.length > 1 ? (
          <text x={width - pad.right} y={height - 6} textAnchor="end" className="axis-label">
            {shortDate(shown[shown.length - 1]?.startedAt ?? null, timeZone)}
          </text>
        ) : null}
        {shown.map((run, i) => {
          let y = height - pad.bottom;
          const x = pad.left + i * slot + (slot - barWidth) / 2;
          return (
            <g key={run.id}>
              <title>
                {`${formatDateTime(run.startedAt, timeZone)}: ${chartSeries
                  .map((s) => `${s.label} ${run.totals[s.key]}`)
                  .join(', ')}`}
              </title>
              {chartSeries.map((s) => {
                const h = scale(run.totals[s.key]);
                y -= h;
                return h > 0 ? (
                  <rect key={s.key} x={x} y={y} width={barWidth} height={h} className={s.className} />
                ) : null;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {chartSeries.map((s) => (
          <span key={s.key}>
            <span className={`swatch ${s.className}`} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

interface BreakdownProps {
  breakdown: IgnoredBreakdown;
  /** Where the "show these leads" link of a reason leads; no link when absent. */
  onShow?: (reason: IgnoredReason) => void;
}

/** Why records were ignored, each reason with its count and what it means. */
export function IgnoredBreakdownView({ breakdown, onShow }: BreakdownProps) {
  const total = ignoredReasons.reduce((sum, r) => sum + breakdown[breakdownKeys[r]], 0);
  return (
    <Table
      caption="Ignored records by reason"
      columns={['Reason', { label: 'Records', className: 'num' }, 'What it means', onShow ? 'Leads' : null]}
      testId="ignored-breakdown"
      foot={
        <tr>
          <th scope="row">All ignored</th>
          <td className="num" data-testid="ignored-total">
            {formatNumber(total)}
          </td>
          <td colSpan={onShow ? 2 : 1} />
        </tr>
      }
    >
      {ignoredReasons.map((reason) => {
        const count = breakdown[breakdownKeys[reason]];
        return (
          <tr key={reason} data-testid={`ignored-${reason}`} className={count === 0 ? 'dim' : undefined}>
            <th scope="row">{reasonLabels[reason]}</th>
            <td className="num" data-testid={`ignored-${reason}-count`}>
              {formatNumber(count)}
            </td>
            <td>{reasonDescriptions[reason]}</td>
            {onShow ? (
              <td>
                {count > 0 ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() => onShow(reason)}
                    data-testid={`show-ignored-${reason}`}
                  >
                    Show {count}
                    <span className="visually-hidden"> {reasonLabels[reason]} records</span>
                  </button>
                ) : null}
              </td>
            ) : null}
          </tr>
        );
      })}
    </Table>
  );
}

/**
 * A run in progress: a bar when the API reports progress (read/processed), otherwise the running
 * totals climbing.
 */
export function RunProgressView({ run }: { run: SyncRunSummary }) {
  const progress = run.progress;
  const ratio = progress && progress.read > 0 ? Math.min(1, progress.processed / progress.read) : null;
  return (
    <div className="progress-box" data-testid="run-progress" aria-live="polite">
      <p>
        {run.status === 'QUEUED' ? (
          <strong>Waiting for a worker to start the run…</strong>
        ) : (
          <>
            <strong>Running…</strong>{' '}
            {progress
              ? `${formatNumber(progress.processed)} of the ${formatNumber(progress.read)} records read so far are processed.`
              : `${formatNumber(run.totals.total)} records processed so far.`}
          </>
        )}
      </p>
      {ratio === null ? (
        <progress aria-label="Run progress" />
      ) : (
        <progress aria-label="Run progress" max={1} value={ratio} />
      )}
    </div>
  );
}
