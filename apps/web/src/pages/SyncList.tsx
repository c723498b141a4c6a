import { useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage } from '../api/errors.ts';
import { syncListQuery } from '../api/operations.ts';
import type { Connector, SyncRunSummary, SyncSummary } from '../api/types.ts';
import { isInProgress, RunStatusBadge } from '../components/report.tsx';
import { SyncStatusBadge } from '../components/syncStatus.tsx';
import { Table } from '../components/Table.tsx';
import { Badge, ErrorBanner, Loading } from '../components/ui.tsx';
import { describeSchedule, formatDateTime, formatNumber } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { usePolling } from '../lib/usePolling.ts';

function LastRun({ run, timeZone }: { run: SyncRunSummary | null; timeZone: string }) {
  if (!run) return <span className="muted">Never run</span>;
  return (
    <span className="last-run">
      <RunStatusBadge run={run} />{' '}
      {run.status === 'SUCCEEDED' ? (
        <span>
          {formatNumber(run.totals.newLeads)} new, {formatNumber(run.totals.duplicate)} duplicate,{' '}
          {formatNumber(run.totals.ignored)} ignored
        </span>
      ) : run.status === 'FAILED' ? (
        <span className="error-text">{run.error ?? 'failed'}</span>
      ) : null}
      <br />
      <span className="muted small">{formatDateTime(run.finishedAt ?? run.startedAt, timeZone)}</span>
    </span>
  );
}

export function SyncListPage() {
  const caps = useCapabilities();
  const [{ data, fetching, error }, reexecute] = useQuery<{ syncs: SyncSummary[]; connectors: Connector[] }>({
    query: syncListQuery(caps),
    requestPolicy: 'cache-and-network',
  });
  const syncs = data?.syncs ?? [];
  // Runs in progress are followed so the list shows their result without a reload.
  usePolling(
    syncs.some((s) => isInProgress(s.lastRun)),
    () => reexecute({ requestPolicy: 'network-only' }),
    2000,
  );
  const connectorName = (id: string) => data?.connectors.find((c) => c.id === id)?.displayName ?? id;
  return (
    <div data-testid="sync-list-page">
      <div className="row wrap space-between">
        <h1>Sync services</h1>
        <a className="button" href={href({ name: 'new-sync' })} data-testid="new-sync">
          New sync
        </a>
      </div>
      <ErrorBanner message={errorMessage(error)} />
      {fetching && !data ? <Loading what="syncs" /> : null}
      {data && syncs.length === 0 ? (
        <div className="empty card">
          <p>
            No syncs yet. A sync imports leads from a source
            {data.connectors.length > 0
              ? ` (${new Intl.ListFormat('en-GB', { type: 'disjunction' }).format(
                  data.connectors.map((c) => c.displayName),
                )})`
              : ''}{' '}
            into a mailing list.
          </p>
          <a className="button" href={href({ name: 'new-sync' })}>
            Create your first sync
          </a>
        </div>
      ) : null}
      {syncs.length > 0 ? (
        <Table
          caption="Syncs of this organization"
          columns={['Sync', 'Connector', 'Status', 'Schedule', 'Last run', 'Next run']}
          className="sync-table"
          testId="sync-table"
        >
          {syncs.map((s) => (
            <tr key={s.id} data-testid={`sync-row-${s.id}`}>
              <th scope="row" data-label="Sync">
                <a href={href({ name: 'sync', id: s.id, runId: null })} data-testid="sync-link">
                  {s.name}
                </a>
                <div className="muted small">→ {s.mailingList.name}</div>
                {caps.drafts && s.status === 'DRAFT' ? (
                  <a
                    className="button secondary small"
                    href={href({ name: 'continue-sync', id: s.id })}
                    data-testid="continue-setup"
                  >
                    Continue setup
                    <span className="visually-hidden"> of {s.name}</span>
                  </a>
                ) : null}
              </th>
              <td data-label="Connector">
                <Badge tone="neutral">{connectorName(s.connection.connector)}</Badge>
                <div className="muted small">{s.connection.name}</div>
              </td>
              <td data-label="Status">
                <SyncStatusBadge status={s.status} reason={s.inactiveReason} />
              </td>
              <td data-label="Schedule" data-testid="sync-schedule">
                {describeSchedule(s.schedule)}
              </td>
              <td data-label="Last run">
                <LastRun run={s.lastRun} timeZone={s.schedule.timeZone} />
              </td>
              <td data-label="Next run" data-testid="sync-next-run">
                {s.status === 'ACTIVE' && s.nextRunAt ? (
                  formatDateTime(s.nextRunAt, s.schedule.timeZone)
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
    </div>
  );
}
