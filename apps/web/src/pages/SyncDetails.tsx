import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { readStoredKey } from '../api/client.ts';
import { errorMessage, fieldErrors } from '../api/errors.ts';
import {
  ActivateSyncMutation,
  ConfirmSyncDeletionsMutation,
  DeactivateSyncMutation,
  DeleteSyncMutation,
  InitiateSyncMutation,
  previewSyncMutation,
  runSyncNowMutation,
  sourceFieldsQuery,
  sourceFieldsVariables,
  syncDetailQuery,
  UpdateSyncMappingMutation,
  UpdateSyncPolicyMutation,
  UpdateSyncRetrievalMutation,
  undoSyncRunMutation,
} from '../api/operations.ts';
import type { Connector, CriteriaGroup, SourceField, SyncDetail, SyncRunSummary } from '../api/types.ts';
import { describeUndo, RunReport, WatchedRunReport } from '../components/RunReport.tsx';
import { isInProgress, RunHistoryTable, RunsChart } from '../components/report.tsx';
import { SyncStatusBadge } from '../components/syncStatus.tsx';
import { Badge, ErrorBanner, Loading, Notice, Warning } from '../components/ui.tsx';
import { dateToInstant, describeSchedule, formatDateTime, instantToDate, timeZones } from '../lib/format.ts';
import { href, navigate } from '../lib/router.ts';
import { usePolling } from '../lib/usePolling.ts';
import { CriteriaBuilder } from '../wizard/CriteriaBuilder.tsx';
import { MappingEditor } from '../wizard/MappingEditor.tsx';
import { ScheduleEditor } from '../wizard/ScheduleEditor.tsx';
import {
  criteriaToDraft,
  draftToCriteria,
  type Errors,
  errorKeyOfField,
  mappingFromApi,
  mappingToApi,
  rereadNotice,
  scheduleFromApi,
  scheduleToApi,
  validateCriteria,
  validateMapping,
  validateSchedule,
} from '../wizard/state.ts';

type Panel = 'none' | 'mapping' | 'retrieval' | 'delete';

export function describeCriteria(c: CriteriaGroup | null | undefined): string {
  if (!c || !Array.isArray(c.rules)) return '';
  const parts = c.rules.map((r) => {
    if ('rules' in r) return `(${describeCriteria(r)})`;
    const value = Array.isArray(r.value) ? r.value.join(', ') : (r.value ?? '');
    return `${r.field} ${r.op.replaceAll('_', ' ')}${value ? ` "${value}"` : ''}`;
  });
  return parts.join(c.match === 'any' ? ' or ' : ' and ');
}

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
  const [runNowState, runSyncNow] = useMutation<{ runSyncNow: SyncRunSummary }>(runSyncNowMutation(caps));
  const [previewState, previewSync] = useMutation<{ previewSync: SyncRunSummary }>(previewSyncMutation(caps));
  const [undoState, undoSyncRun] = useMutation<{ undoSyncRun: SyncRunSummary }>(undoSyncRunMutation(caps));
  const [activateState, activateSync] = useMutation(ActivateSyncMutation);
  const [deactivateState, deactivateSync] = useMutation(DeactivateSyncMutation);
  const [initiateState, initiateSync] = useMutation(InitiateSyncMutation);
  const [deleteState, deleteSync] = useMutation(DeleteSyncMutation);
  const [policyState, updatePolicy] = useMutation(UpdateSyncPolicyMutation);
  const [confirmState, confirmDeletions] = useMutation(ConfirmSyncDeletionsMutation);

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
    return (
      <div>
        <h1>Sync not found</h1>
        <p>
          It may have been deleted. <a href={href({ name: 'syncs' })}>Back to the syncs</a>
        </p>
      </div>
    );
  }

  const connector = data?.connectors.find((c) => c.id === sync.connection.connector);
  const selectedId = runId ?? runs.find((r) => !r.dryRun)?.id ?? runs[0]?.id ?? null;
  const selected = runs.find((r) => r.id === selectedId) ?? null;
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const busy =
    runNowState.fetching ||
    previewState.fetching ||
    undoState.fetching ||
    activateState.fetching ||
    deactivateState.fetching ||
    initiateState.fetching ||
    deleteState.fetching ||
    confirmState.fetching;

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

  async function runNow() {
    const result = await act(() => runSyncNow({ id }));
    const run = (result.data as { runSyncNow?: SyncRunSummary } | undefined)?.runSyncNow;
    if (run) navigate({ name: 'sync', id, runId: run.id });
  }

  async function preview() {
    const result = await act(() => previewSync({ id }));
    const run = (result.data as { previewSync?: SyncRunSummary } | undefined)?.previewSync;
    if (run) navigate({ name: 'sync', id, runId: run.id });
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
      <dl className="summary">
        <dt>Connection</dt>
        <dd>
          {sync.connection.name}{' '}
          <Badge tone="neutral">{connector?.displayName ?? sync.connection.connector}</Badge>
          {sync.connection.status === 'NEEDS_NEW_KEY' ? (
            <>
              {' '}
              <Badge tone="bad">Needs a new key</Badge>{' '}
              <a href={href({ name: 'settings' })}>Update it in Settings</a>
            </>
          ) : null}
          {sync.connection.status === 'NEEDS_PERMISSION' ? (
            <>
              {' '}
              <Badge tone="warn">Key lacks a permission</Badge> the last run says which; grant it at the
              source and run again (the syncs stay active)
            </>
          ) : null}
        </dd>
        <dt>Mailing list</dt>
        <dd>
          <a href={href({ name: 'leads', mailingListId: sync.mailingList.id })}>{sync.mailingList.name}</a>
        </dd>
        <dt>Leads</dt>
        <dd>{sync.importMode === 'ALL' ? 'All leads' : `Matching: ${describeCriteria(sync.criteria)}`}</dd>
        <dt>Schedule</dt>
        <dd data-testid="sync-schedule">{describeSchedule(sync.schedule)}</dd>
        <dt>Next run</dt>
        <dd data-testid="sync-next-run">
          {sync.status === 'ACTIVE' && sync.nextRunAt
            ? formatDateTime(sync.nextRunAt, sync.schedule.timeZone)
            : sync.status === 'ACTIVE'
              ? 'None scheduled'
              : 'Not scheduled while the sync is not active'}
        </dd>
        <dt>Data retrieved since</dt>
        <dd>
          {sync.retrieveFrom ? formatDateTime(sync.retrieveFrom, sync.schedule.timeZone) : 'The beginning'}
          {sync.fullRereadPending && sync.lastRun ? (
            <div className="muted small" data-testid="reread-pending">
              The next run re-reads everything since then (the criteria, mapping or date changed).
            </div>
          ) : null}
        </dd>
        <dt>Field mapping</dt>
        <dd>{sync.fieldMapping.map((m) => `${m.source} → ${m.target}`).join(', ')}</dd>
      </dl>

      <div className="row wrap actions">
        <button type="button" onClick={runNow} disabled={busy || moving} data-testid="run-now">
          {runNowState.fetching ? 'Starting…' : 'Run now'}
        </button>
        {caps.preview ? (
          <button type="button" className="secondary" onClick={preview} disabled={busy} data-testid="preview">
            Preview
          </button>
        ) : null}
        <button
          type="button"
          className="secondary"
          aria-expanded={panel === 'mapping'}
          onClick={() => setPanel(panel === 'mapping' ? 'none' : 'mapping')}
          data-testid="edit-mapping"
        >
          Edit mapping
        </button>
        <button
          type="button"
          className="secondary"
          aria-expanded={panel === 'retrieval'}
          onClick={() => setPanel(panel === 'retrieval' ? 'none' : 'retrieval')}
          data-testid="edit-retrieval"
        >
          Edit retrieval details
        </button>
        {sync.status === 'DRAFT' && caps.drafts ? (
          <a
            className="button secondary"
            href={href({ name: 'continue-sync', id })}
            data-testid="continue-setup"
          >
            Continue setup
          </a>
        ) : null}
        {sync.status === 'DRAFT' ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              act(
                () => initiateSync({ id }),
                'The sync is initiated: its first import starts now, then it follows its schedule.',
              )
            }
            data-testid="initiate"
          >
            Initiate
          </button>
        ) : sync.status === 'ACTIVE' ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              act(() => deactivateSync({ id }), 'The sync is inactive: it will not run on its schedule.')
            }
            data-testid="deactivate"
          >
            Deactivate
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => act(() => activateSync({ id }), 'The sync is active again.')}
            data-testid="activate"
          >
            Activate
          </button>
        )}
        {caps.undo && lastReal ? (
          <button
            type="button"
            className="secondary"
            disabled={busy || moving}
            onClick={async () => {
              // The run's id: undo reverses that run (only the sync's latest real one is accepted).
              const result = await act(() => undoSyncRun({ id: lastReal.id }));
              const report = (result.data as { undoSyncRun?: SyncRunSummary } | undefined)?.undoSyncRun
                ?.undoReport;
              if (!result.error) {
                setNotice(
                  report
                    ? `The latest run was undone. ${describeUndo(report)}`
                    : 'The latest run was undone: the leads it added are gone and the ones it removed are back.',
                );
              }
            }}
            data-testid="undo-run"
          >
            Undo latest run
          </button>
        ) : null}
        <button
          type="button"
          className="danger"
          aria-expanded={panel === 'delete'}
          onClick={() => setPanel(panel === 'delete' ? 'none' : 'delete')}
          data-testid="delete"
        >
          Delete
        </button>
      </div>
      {caps.updatePolicy ? (
        <label className="inline-field">
          Existing leads:{' '}
          <select
            value={sync.updatePolicy ?? 'OVERWRITE'}
            disabled={policyState.fetching}
            onChange={(e) =>
              act(() => updatePolicy({ id, updatePolicy: e.target.value }), 'Update policy saved.')
            }
            data-testid="update-policy"
          >
            <option value="OVERWRITE">overwrite mapped fields</option>
            <option value="FILL_EMPTY">fill only empty fields</option>
            <option value="NEVER">never change fields (membership only)</option>
          </select>
        </label>
      ) : null}
      {caps.deletionGuard && sync.lastRun?.heldDeletions && !sync.deletionsConfirmed ? (
        <Warning testId="held-deletions">
          <p>{sync.lastRun.warning}</p>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              act(
                () => confirmDeletions({ id }),
                'Deletions confirmed: the next run removes the records the source no longer lists.',
              )
            }
            data-testid="confirm-deletions"
          >
            Confirm {sync.lastRun.heldDeletions} deletions
          </button>
        </Warning>
      ) : null}
      {caps.deletionGuard && sync.deletionsConfirmed ? (
        <Notice testId="deletions-confirmed">
          Deletions confirmed: the next run removes the records the source no longer lists.
        </Notice>
      ) : null}
      <ErrorBanner message={actionError} testId="action-error" />
      {notice ? <Notice testId="action-notice">{notice}</Notice> : null}

      {panel === 'delete' ? (
        <section className="card danger-zone" aria-label="Delete this sync">
          <p>
            Delete <strong>{sync.name}</strong>? Its run history goes with it. Leads already imported stay in{' '}
            {sync.mailingList.name}.
          </p>
          <div className="row">
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={async () => {
                const result = await act(() => deleteSync({ id }));
                if (!result.error) navigate({ name: 'syncs' });
              }}
              data-testid="confirm-delete"
            >
              Yes, delete
            </button>
            <button type="button" className="secondary" onClick={() => setPanel('none')}>
              Cancel
            </button>
          </div>
        </section>
      ) : null}
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

function DownloadReport({ runId }: { runId: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/runs/${encodeURIComponent(runId)}/records.csv`, {
        headers: { authorization: `Bearer ${readStoredKey() ?? ''}` },
      });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `run-${runId}-records.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(`Could not download the report: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={download}
        disabled={busy}
        data-testid="download-report"
      >
        {busy ? 'Downloading…' : 'Download report (CSV)'}
      </button>
      {error ? (
        <span className="error-text" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

/** Before a change that makes the next run read the whole window again (a sync that has run). */
function RereadNotice({
  sync,
  what,
  retrieveFrom,
}: {
  sync: SyncDetail;
  what: string;
  retrieveFrom: string | null;
}) {
  if (sync.status === 'DRAFT' || !sync.lastRun) return null;
  return (
    <Notice testId="reread-notice">
      {rereadNotice(what, retrieveFrom, (iso) => formatDateTime(iso, sync.schedule.timeZone))}
    </Notice>
  );
}

function EditMapping({ sync, onDone }: { sync: SyncDetail; onDone: (saved: boolean) => void }) {
  const [rows, setRows] = useState(() => mappingFromApi(sync.fieldMapping));
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const caps = useCapabilities();
  const [{ data, error }] = useQuery<{ sourceFields: SourceField[] }>({
    query: sourceFieldsQuery(caps),
    variables: sourceFieldsVariables(caps, sync.connection.id, sync.sourceOrganizationId),
  });
  const [state, save] = useMutation(UpdateSyncMappingMutation);
  async function submit() {
    const found = validateMapping(rows);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const result = await save({ id: sync.id, fieldMapping: mappingToApi(rows) });
    if (!result.error) return onDone(true);
    const fe = fieldErrors(result.error);
    if (fe.length > 0) setErrors({ 'mapping.email': fe.map((f) => f.message).join(' ') });
    else setBanner(errorMessage(result.error));
  }
  return (
    <section className="card" aria-labelledby="edit-mapping-heading" data-testid="edit-mapping-panel">
      <h2 id="edit-mapping-heading">Edit mapping</h2>
      <ErrorBanner message={banner ?? (error ? errorMessage(error) : null)} />
      <MappingEditor rows={rows} fields={data?.sourceFields ?? []} errors={errors} onChange={setRows} />
      <RereadNotice sync={sync} what="the mapping" retrieveFrom={sync.retrieveFrom} />
      <div className="row">
        <button type="button" onClick={submit} disabled={state.fetching} data-testid="save-mapping">
          Save mapping
        </button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function EditRetrieval({
  sync,
  maxLookbackDays,
  onDone,
}: {
  sync: SyncDetail;
  maxLookbackDays: number | null;
  onDone: (saved: boolean) => void;
}) {
  const zones = useMemo(() => timeZones(), []);
  const [schedule, setSchedule] = useState(() => scheduleFromApi(sync.schedule, sync.schedule.timeZone));
  const original = instantToDate(sync.retrieveFrom);
  const [retrieveFrom, setRetrieveFrom] = useState(original);
  const [criteria, setCriteria] = useState(() => criteriaToDraft(sync.criteria));
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const caps = useCapabilities();
  const [fieldsResult] = useQuery<{ sourceFields: SourceField[] }>({
    query: sourceFieldsQuery(caps),
    variables: sourceFieldsVariables(caps, sync.connection.id, sync.sourceOrganizationId),
    pause: sync.importMode !== 'CRITERIA',
  });
  const [state, save] = useMutation(UpdateSyncRetrievalMutation);
  const dateChanged = retrieveFrom !== original;
  // The look-back is measured from the sync's creation, as the API measures it.
  const windowStart = useMemo(
    () => (sync.createdAt ? new Date(sync.createdAt) : new Date()),
    [sync.createdAt],
  );
  async function submit() {
    const found = validateSchedule(
      schedule,
      dateChanged ? retrieveFrom : '',
      maxLookbackDays,
      zones,
      new Date(),
      windowStart,
    );
    if (sync.importMode === 'CRITERIA') {
      const problem = validateCriteria(criteria);
      if (problem) found.criteria = problem;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const variables: Record<string, unknown> = { id: sync.id, schedule: scheduleToApi(schedule) };
    if (dateChanged && retrieveFrom) variables.retrieveFrom = dateToInstant(retrieveFrom);
    if (sync.importMode === 'CRITERIA') variables.criteria = draftToCriteria(criteria);
    const result = await save(variables);
    if (!result.error) return onDone(true);
    const fe = fieldErrors(result.error);
    if (fe.length === 0) return setBanner(errorMessage(result.error));
    const next: Errors = {};
    for (const f of fe) next[errorKeyOfField(f.field)] = f.message;
    setErrors(next);
    setBanner(next.form ?? null);
  }
  return (
    <section className="card" aria-labelledby="edit-retrieval-heading" data-testid="edit-retrieval-panel">
      <h2 id="edit-retrieval-heading">Edit retrieval details</h2>
      <ErrorBanner message={banner} />
      {sync.importMode === 'CRITERIA' ? (
        <>
          <CriteriaBuilder
            group={criteria}
            fields={fieldsResult.data?.sourceFields ?? []}
            onChange={setCriteria}
          />
          {errors.criteria ? (
            <p className="field-error" role="alert">
              {errors.criteria}
            </p>
          ) : null}
        </>
      ) : (
        <p className="hint">
          This sync imports all leads. To import only some, create a new sync with criteria (the import mode
          is fixed).
        </p>
      )}
      <ScheduleEditor
        schedule={schedule}
        retrieveFrom={retrieveFrom}
        maxLookbackDays={maxLookbackDays}
        zones={zones}
        errors={errors}
        onChange={setSchedule}
        onRetrieveFromChange={setRetrieveFrom}
        hasRun={sync.lastRun !== null}
        windowStart={windowStart}
      />
      <RereadNotice
        sync={sync}
        what={sync.importMode === 'CRITERIA' ? 'the criteria or the date' : 'the date'}
        retrieveFrom={dateChanged && retrieveFrom ? dateToInstant(retrieveFrom) : sync.retrieveFrom}
      />
      <div className="row">
        <button type="button" onClick={submit} disabled={state.fetching} data-testid="save-retrieval">
          Save
        </button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </section>
  );
}
