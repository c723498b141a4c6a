import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage } from '../api/errors.ts';
import { syncDetailQuery } from '../api/operations.ts';
import type { Connector, SyncDetail } from '../api/types.ts';
import { RunReport, WatchedRunReport } from '../components/RunReport.tsx';
import { isInProgress, RunHistoryTable, RunsChart } from '../components/report.tsx';
import { SyncStatusBadge } from '../components/syncStatus.tsx';
import { ErrorBanner, Loading, Notice, SyncNotFound } from '../components/ui.tsx';
import { href } from '../lib/router.ts';
import { usePolling } from '../lib/usePolling.ts';
import { DownloadReport } from './sync-details/DownloadReport.tsx';
import { EditMapping } from './sync-details/EditMapping.tsx';
import { EditRetrieval } from './sync-details/EditRetrieval.tsx';
import { type Panel, SyncActions } from './sync-details/SyncActions.tsx';
import { SyncSummary } from './sync-details/SyncSummary.tsx';

// The run page: the sync's summary and actions, the edit panels, the run history and the selected run's report.
// Each panel is a component of its own in ./sync-details/.

export function SyncDetailsPage({ id, runId }: { id: string; runId: string | null }) {
  const caps = useCapabilities();
  const query = useMemo(() => syncDetailQuery(caps), [caps]);
  const [{ data, fetching, error }, reexecute] = useQuery<{
    sync: SyncDetail | null;
    connectors: Connector[];
  }>({
    query,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const [polls, setPolls] = useState(0);
  const [panel, setPanel] = useState<Panel>('none');
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const sync = data?.sync;
  const runs = sync?.runs.edges.map((e) => e.node) ?? [];
  const moving = runs.some(isInProgress) || isInProgress(sync?.lastRun);
  usePolling(moving, () => {
    reexecute({ requestPolicy: 'network-only' });
    setPolls((n) => n + 1);
  });

  if (fetching && !data) return <Loading what="the sync" />;
  if (error) return <ErrorBanner message={errorMessage(error)} />;
  if (!sync) {
    return <SyncNotFound title="Sync not found" />;
  }

  const connector = data?.connectors.find((c) => c.id === sync.connection.connector);
  const selectedId = runId ?? runs.find((r) => !r.dryRun)?.id ?? runs[0]?.id ?? null;
  const selected = runs.find((r) => r.id === selectedId) ?? null;
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  async function act(
    run: () => Promise<{ error?: Parameters<typeof errorMessage>[0]; data?: unknown }>,
    done?: string,
  ) {
    setActionError(null);
    setNotice(null);
    const result = await run();
    if (result.error) setActionError(errorMessage(result.error));
    else {
      if (done) setNotice(done);
      refresh();
    }
    return result;
  }

  const lastReal = runs.find((r) => !r.dryRun && r.status === 'SUCCEEDED' && !r.undoneAt);

  return (
    <div className="sync-details" data-testid="sync-details-page">
      <p className="crumbs">
        <a href={href({ name: 'syncs' })}>Sync services</a> ›
      </p>
      <div className="row wrap space-between">
        <h1 data-testid="sync-name">{sync.name}</h1>
        <SyncStatusBadge status={sync.status} reason={sync.inactiveReason} />
      </div>
      <SyncSummary sync={sync} connector={connector} />

      <SyncActions
        sync={sync}
        moving={moving}
        lastReal={lastReal}
        panel={panel}
        setPanel={setPanel}
        act={act}
        setNotice={setNotice}
      />
      <ErrorBanner message={actionError} testId="action-error" />
      {notice ? <Notice testId="action-notice">{notice}</Notice> : null}

      {panel === 'mapping' ? (
        <EditMapping
          sync={sync}
          onDone={(saved) => {
            setPanel('none');
            if (saved) setNotice('Mapping saved; it applies from the next run.');
            refresh();
          }}
        />
      ) : null}
      {panel === 'retrieval' ? (
        <EditRetrieval
          sync={sync}
          maxLookbackDays={connector?.maxLookbackDays ?? null}
          onDone={(saved) => {
            setPanel('none');
            if (saved) setNotice('Retrieval details saved.');
            refresh();
          }}
        />
      ) : null}

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <RunsChart runs={runs} timeZone={sync.schedule.timeZone} />
        <RunHistoryTable
          runs={runs}
          selectedRunId={selectedId}
          runHref={(r) => href({ name: 'sync', id, runId: r })}
          timeZone={sync.schedule.timeZone}
        />
        {sync.runs.totalCount > runs.length ? (
          <p className="muted">
            Showing the latest {runs.length} of {sync.runs.totalCount} runs.
          </p>
        ) : null}
      </section>

      {selected ? (
        <RunReport
          run={selected}
          timeZone={sync.schedule.timeZone}
          refreshKey={`${polls}:${selected.status}`}
          actions={caps.recordsCsv && !isInProgress(selected) ? <DownloadReport runId={selected.id} /> : null}
        />
      ) : selectedId ? (
        <WatchedRunReport runId={selectedId} timeZone={sync.schedule.timeZone} />
      ) : null}
    </div>
  );
}
