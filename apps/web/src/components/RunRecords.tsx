import { useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from '../api/errors.ts';
import { RunRecordsQuery } from '../api/operations.ts';
import type { Connection_, IgnoredReason, Outcome, RunRecord } from '../api/types.ts';
import { formatNumber } from '../lib/format.ts';
import { ignoredReasons, outcomeLabels, outcomes, reasonDescriptions, reasonLabels } from '../lib/reasons.ts';
import { href } from '../lib/router.ts';
import { Table } from './Table.tsx';
import { Badge, ErrorBanner, ShowMore, type Tone } from './ui.tsx';

const outcomeTones: Record<Outcome, Tone> = {
  NEW: 'good',
  RE_ADDED: 'info',
  DUPLICATE: 'neutral',
  IGNORED: 'warn',
  DELETED: 'bad',
};

export interface RecordFilter {
  outcome: Outcome | null;
  reason: IgnoredReason | null;
}

interface Props {
  runId: string;
  filter: RecordFilter;
  onFilterChange: (filter: RecordFilter) => void;
  /** Bumped by the page to refetch while the run is still moving. */
  refreshKey?: string | number;
}

const pageSize = 50;

/** The run's per-lead records, filterable by outcome and reason, pages of 50 with "Show more". */
export function RunRecords({ runId, filter, onFilterChange, refreshKey = '' }: Props) {
  // Pages already shown, keyed by the cursor they were asked with ('' for the first).
  const [cursors, setCursors] = useState<string[]>(['']);
  const [pages, setPages] = useState<Record<string, { cursor: string; node: RunRecord }[]>>({});
  // A new filter or run starts from the first page again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on these inputs
  useEffect(() => {
    setCursors(['']);
    setPages({});
  }, [runId, filter.outcome, filter.reason]);
  const after = cursors[cursors.length - 1] ?? '';
  const [{ data, fetching, error, operation }, reexecute] = useQuery<{
    syncRun: { id: string; records: Connection_<RunRecord> } | null;
  }>({
    query: RunRecordsQuery,
    variables: {
      id: runId,
      outcome: filter.outcome,
      reason: filter.reason,
      first: pageSize,
      after: after || null,
    },
  });
  const page = data?.syncRun?.records;
  const pageCursor = (operation?.variables as { after?: string | null } | undefined)?.after ?? '';
  useEffect(() => {
    if (page) setPages((old) => ({ ...old, [pageCursor]: page.edges }));
  }, [page, pageCursor]);
  const seenKey = useRef(refreshKey);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refetch when the page asks
  useEffect(() => {
    if (seenKey.current === refreshKey) return;
    seenKey.current = refreshKey;
    if (cursors.length === 1) reexecute({ requestPolicy: 'network-only' });
  }, [refreshKey]);
  const rows = cursors.flatMap((c) => pages[c] ?? []);
  return (
    <section className="records" aria-labelledby="records-heading" data-testid="run-records">
      <h3 id="records-heading">Records</h3>
      <div className="row wrap filters">
        <label>
          Outcome{' '}
          <select
            value={filter.outcome ?? ''}
            onChange={(e) => {
              const outcome = (e.target.value || null) as Outcome | null;
              onFilterChange({ outcome, reason: outcome === 'IGNORED' ? filter.reason : null });
            }}
            data-testid="records-outcome"
          >
            <option value="">All outcomes</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {outcomeLabels[o]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reason{' '}
          <select
            value={filter.reason ?? ''}
            onChange={(e) => {
              const reason = (e.target.value || null) as IgnoredReason | null;
              onFilterChange({ outcome: reason ? 'IGNORED' : filter.outcome, reason });
            }}
            data-testid="records-reason"
          >
            <option value="">All reasons</option>
            {ignoredReasons.map((r) => (
              <option key={r} value={r}>
                {reasonLabels[r]}
              </option>
            ))}
          </select>
        </label>
        {page ? (
          <span className="muted" data-testid="records-count">
            {formatNumber(page.totalCount)} {page.totalCount === 1 ? 'record' : 'records'}
          </span>
        ) : null}
      </div>
      {filter.reason ? <p className="hint">{reasonDescriptions[filter.reason]}</p> : null}
      <ErrorBanner message={errorMessage(error)} />
      <Table
        caption="Records of this run"
        columns={['Email', 'Outcome', 'Reason', 'Did you mean', 'Source id']}
        testId="records-table"
        empty={
          rows.length === 0 && !fetching
            ? `No records${filter.outcome || filter.reason ? ' match this filter' : ''}.`
            : null
        }
      >
        {rows.map(({ cursor, node: r }) => (
          <tr key={cursor} data-testid="record-row">
            <td className="email">
              {r.email ? (
                <a href={href({ name: 'person', email: r.email })} data-testid="record-person-link">
                  {r.email}
                </a>
              ) : (
                <span className="muted">(empty)</span>
              )}
            </td>
            <td>
              <Badge tone={outcomeTones[r.outcome]}>{outcomeLabels[r.outcome]}</Badge>
            </td>
            <td data-testid="record-reason">
              {r.reason ? <span title={reasonDescriptions[r.reason]}>{reasonLabels[r.reason]}</span> : null}
            </td>
            <td data-testid="record-suggestion">{r.suggestion ?? ''}</td>
            <td className="mono">{r.sourceId}</td>
          </tr>
        ))}
      </Table>
      <ShowMore pageInfo={page?.pageInfo} fetching={fetching} setCursors={setCursors} testId="records-more" />
    </section>
  );
}
