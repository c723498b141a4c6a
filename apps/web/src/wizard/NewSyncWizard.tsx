import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage, fieldErrors } from '../api/errors.ts';
import {
  CreateMailingListMutation,
  CreateSyncMutation,
  connectionsQuery,
  DeleteSyncMutation,
  InitiateSyncMutation,
  MailingListsQuery,
  previewSyncMutation,
  SourceOrganizationsQuery,
  sourceFieldsQuery,
  sourceFieldsVariables,
  syncCostEstimateQuery,
  syncDraftQuery,
  UpdateSyncDraftMutation,
} from '../api/operations.ts';
import type {
  Connection,
  Connector,
  CostEstimate,
  CreateSyncInput,
  MailingList,
  SourceField,
  SourceOrganization,
  SyncRunSummary,
} from '../api/types.ts';
import { WatchedRunReport } from '../components/RunReport.tsx';
import { Badge, ErrorBanner, Field, Loading, Notice } from '../components/ui.tsx';
import { describeCost } from '../lib/cost.ts';
import {
  browserTimeZone,
  describeInitiation,
  describeSchedule,
  earliestRetrievalDate,
  formatDateTime,
  timeZones,
} from '../lib/format.ts';
import { href, navigate } from '../lib/router.ts';
import { ConnectionForm } from './ConnectionForm.tsx';
import { CriteriaBuilder } from './CriteriaBuilder.tsx';
import { MappingEditor } from './MappingEditor.tsx';
import { ScheduleEditor } from './ScheduleEditor.tsx';
import {
  buildCreateSyncInput,
  type Errors,
  errorKeyOfField,
  initialWizardState,
  premap,
  retrievalDayToCheck,
  type SavedDraft,
  stateFromDraft,
  stepOfDraft,
  stepOfField,
  steps,
  validateDetails,
  validateMapping,
  validateSchedule,
  type WizardState,
} from './state.ts';

const newListValue = '__new__';
const newConnectionValue = '__new__';

interface Draft {
  id: string;
  signature: string;
}

/** The wizard for a new sync, or (with `draftId`) for a saved draft, reopened at the step where it was left. */
export function NewSyncWizard({ draftId }: { draftId?: string } = {}) {
  const caps = useCapabilities();
  const [saved] = useQuery<{ sync: SavedDraft | null }>({
    query: syncDraftQuery(caps),
    variables: { id: draftId ?? '' },
    pause: !draftId,
    requestPolicy: 'network-only',
  });
  if (!draftId) return <Wizard draft={null} />;
  if (saved.fetching || (!saved.data && !saved.error)) return <Loading what="the draft" />;
  if (saved.error) return <ErrorBanner message={errorMessage(saved.error)} />;
  const sync = saved.data?.sync;
  if (!sync) {
    return (
      <div>
        <h1>Draft not found</h1>
        <p>
          It may have been deleted. <a href={href({ name: 'syncs' })}>Back to the syncs</a>
        </p>
      </div>
    );
  }
  if (sync.status !== 'DRAFT') {
    return (
      <div>
        <h1>{sync.name}</h1>
        <p>
          This sync is already initiated.{' '}
          <a href={href({ name: 'sync', id: sync.id, runId: null })}>Open it</a>
        </p>
      </div>
    );
  }
  return <Wizard draft={sync} />;
}

function Wizard({ draft: saved }: { draft: SavedDraft | null }) {
  const caps = useCapabilities();
  const zones = useMemo(() => timeZones(), []);
  const [state, setState] = useState<WizardState>(() =>
    saved ? stateFromDraft(saved, browserTimeZone()) : initialWizardState(browserTimeZone()),
  );
  const [step, setStep] = useState(() => (saved ? stepOfDraft(saved) : 0));
  const [visited, setVisited] = useState(() => (saved ? stepOfDraft(saved) : 0));
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [addingConnection, setAddingConnection] = useState(false);
  const [newListName, setNewListName] = useState('');
  const [creatingList, setCreatingList] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(() => (saved ? { id: saved.id, signature: '' } : null));
  const [previewRunId, setPreviewRunId] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const [connectionsResult, refetchConnections] = useQuery<{
    connections: Connection[];
    connectors: Connector[];
  }>({
    query: connectionsQuery(caps),
  });
  const [listsResult, refetchLists] = useQuery<{ mailingLists: MailingList[] }>({ query: MailingListsQuery });
  const [orgsResult] = useQuery<{ sourceOrganizations: SourceOrganization[] }>({
    query: SourceOrganizationsQuery,
    variables: { connectionId: state.connectionId },
    pause: !state.connectionId,
  });
  const [fieldsResult] = useQuery<{ sourceFields: SourceField[] }>({
    query: sourceFieldsQuery(caps),
    variables: sourceFieldsVariables(caps, state.connectionId, state.sourceOrganizationId || null),
    pause: !state.connectionId,
  });
  const [createListState, createList] = useMutation<{ createMailingList: MailingList }>(
    CreateMailingListMutation,
  );
  const [createState, createSync] = useMutation<{ createSync: { id: string } }>(CreateSyncMutation);
  const [updateDraftState, updateSyncDraft] = useMutation<{ updateSyncDraft: { id: string } }>(
    UpdateSyncDraftMutation,
  );
  const [initiateState, initiateSync] = useMutation<{ initiateSync: { id: string } }>(InitiateSyncMutation);
  const [, deleteSync] = useMutation(DeleteSyncMutation);
  const [previewState, previewSync] = useMutation<{ previewSync: SyncRunSummary }>(previewSyncMutation(caps));

  const connections = connectionsResult.data?.connections ?? [];
  const connectors = connectionsResult.data?.connectors ?? [];
  const lists = listsResult.data?.mailingLists ?? [];
  const organizations = state.connectionId ? (orgsResult.data?.sourceOrganizations ?? []) : [];
  const fields = state.connectionId ? (fieldsResult.data?.sourceFields ?? []) : [];
  const connection = connections.find((c) => c.id === state.connectionId);
  const connector = connectors.find((c) => c.id === connection?.connector);
  const maxLookbackDays = connector?.maxLookbackDays ?? null;
  // The look-back is measured from the sync's creation once it exists, as the API measures it.
  const windowStart = useMemo(
    () => (state.createdAt ? new Date(state.createdAt) : new Date()),
    [state.createdAt],
  );
  const [costResult] = useQuery<{ syncCostEstimate: CostEstimate | null }>({
    query: syncCostEstimateQuery(caps),
    variables: { id: draft?.id ?? '', signature: draft?.signature ?? '' },
    pause: !caps.costEstimate || step !== 3 || !draft,
    requestPolicy: 'network-only',
  });

  // The only source organization is chosen for the user (a CSV file has exactly one).
  useEffect(() => {
    const only = orgsResult.data?.sourceOrganizations;
    if (only && only.length === 1 && only[0]) {
      const id = only[0].id;
      setState((s) => (s.sourceOrganizationId ? s : { ...s, sourceOrganizationId: id }));
    }
  }, [orgsResult.data]);

  // Email, first and last name are pre-mapped once the source's fields are known.
  useEffect(() => {
    const known = fieldsResult.data?.sourceFields;
    if (known) setState((s) => ({ ...s, mapping: premap(s.mapping, known) }));
  }, [fieldsResult.data]);

  // A source with a look-back limit reads from the earliest day it allows unless told otherwise (DESIGN.md §3);
  // "everything" exists only for a source without one.
  useEffect(() => {
    if (maxLookbackDays === null) return;
    setState((s) =>
      s.retrieveFrom ? s : { ...s, retrieveFrom: earliestRetrievalDate(maxLookbackDays, windowStart) },
    );
  }, [maxLookbackDays, windowStart]);

  const set = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }));

  function validateStep(i: number): Errors {
    if (i === 0) return validateDetails(state);
    if (i === 1) return validateMapping(state.mapping);
    if (i === 2)
      return validateSchedule(
        state.schedule,
        retrievalDayToCheck(state),
        maxLookbackDays,
        zones,
        new Date(),
        windowStart,
      );
    return {};
  }

  function goTo(i: number) {
    setStep(i);
    setVisited((v) => Math.max(v, i));
    setBanner(null);
    window.setTimeout(() => headingRef.current?.focus(), 0);
  }

  async function next() {
    const found = validateStep(step);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setBanner('Some answers need attention before you continue.');
      return;
    }
    // Save and continue: the answers so far are a DRAFT the list offers to continue.
    if (caps.drafts && !(await saveDraft(step + 1))) return;
    goTo(step + 1);
  }

  /** Stores the answers as the DRAFT (created on the first step), to be continued at `setupStep`. */
  async function saveDraft(setupStep: number): Promise<string | null> {
    const input: CreateSyncInput = buildCreateSyncInput(state, setupStep);
    const signature = JSON.stringify(input);
    if (draft?.signature === signature) return draft.id;
    const result = draft ? await updateSyncDraft({ id: draft.id, input }) : await createSync({ input });
    const id = result.data
      ? 'updateSyncDraft' in result.data
        ? result.data.updateSyncDraft.id
        : result.data.createSync.id
      : undefined;
    if (!id) {
      showApiErrors(result.error);
      return null;
    }
    if (!draft) {
      // The address now names the draft, so a reload or a return continues it.
      window.history.replaceState(null, '', href({ name: 'continue-sync', id }));
    }
    setDraft({ id, signature });
    return id;
  }

  function showApiErrors(error: Parameters<typeof fieldErrors>[0]) {
    const list = fieldErrors(error);
    if (list.length === 0) {
      setBanner(errorMessage(error));
      return;
    }
    const found: Errors = {};
    let earliest = 3;
    for (const fe of list) {
      const key = errorKeyOfField(fe.field);
      found[key === 'fieldMapping' ? 'mapping.email' : key] = fe.message;
      earliest = Math.min(earliest, stepOfField(fe.field));
    }
    setErrors(found);
    if (earliest !== step) goTo(earliest);
    setBanner(found.form ?? 'The server did not accept some answers; see the messages below.');
  }

  /** Creates the DRAFT sync, or re-creates it when the answers changed since. */
  async function ensureDraft(): Promise<string | null> {
    for (let i = 0; i < 3; i++) {
      const found = validateStep(i);
      if (Object.keys(found).length > 0) {
        setErrors(found);
        goTo(i);
        setBanner('Some answers need attention before you continue.');
        return null;
      }
    }
    if (caps.drafts) return saveDraft(3);
    const input: CreateSyncInput = buildCreateSyncInput(state);
    const signature = JSON.stringify(input);
    if (draft?.signature === signature) return draft.id;
    if (draft) await deleteSync({ id: draft.id });
    const result = await createSync({ input });
    const id = result.data?.createSync.id;
    if (!id) {
      setDraft(null);
      showApiErrors(result.error);
      return null;
    }
    setDraft({ id, signature });
    return id;
  }

  async function initiate() {
    setBanner(null);
    const id = await ensureDraft();
    if (!id) return;
    const result = await initiateSync({ id });
    if (result.data?.initiateSync) {
      navigate({ name: 'sync', id, runId: null });
      return;
    }
    showApiErrors(result.error);
  }

  async function preview() {
    setBanner(null);
    setPreviewRunId(null);
    const id = await ensureDraft();
    if (!id) return;
    const result = await previewSync({ id });
    if (result.data?.previewSync) setPreviewRunId(result.data.previewSync.id);
    else showApiErrors(result.error);
  }

  async function addList() {
    const name = newListName.trim();
    if (!name) {
      setErrors((e) => ({ ...e, mailingListId: 'Name the new list.' }));
      return;
    }
    const result = await createList({ name });
    const list = result.data?.createMailingList;
    if (list) {
      set({ mailingListId: list.id });
      setNewListName('');
      setCreatingList(false);
      setErrors(({ mailingListId: _, ...rest }) => rest);
      refetchLists({ requestPolicy: 'network-only' });
    } else {
      setErrors((e) => ({ ...e, mailingListId: errorMessage(result.error) ?? 'Could not create the list.' }));
    }
  }

  const busy =
    createState.fetching || updateDraftState.fetching || initiateState.fetching || previewState.fetching;
  const estimate = costResult.data?.syncCostEstimate;

  if (connectionsResult.fetching && !connectionsResult.data) return <Loading what="connections" />;

  return (
    <div className="wizard" data-testid="new-sync-wizard">
      <h1>{saved ? `Continue setup: ${saved.name}` : 'New sync'}</h1>
      <nav aria-label="Steps">
        <ol className="stepper">
          {steps.map((label, i) => (
            <li key={label} className={i === step ? 'current' : i <= visited ? 'done' : undefined}>
              <button
                type="button"
                className="link"
                disabled={i > visited}
                aria-current={i === step ? 'step' : undefined}
                onClick={() => goTo(i)}
                data-testid={`step-${i + 1}`}
              >
                <span className="step-number">{i + 1}</span> {label}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <section className="card" aria-labelledby="step-heading">
        <h2 id="step-heading" ref={headingRef} tabIndex={-1}>
          {step + 1}. {steps[step]}
        </h2>
        <ErrorBanner message={banner} testId="wizard-error" />
        <ErrorBanner message={connectionsResult.error ? errorMessage(connectionsResult.error) : null} />

        {step === 0 ? (
          <div className="step-details">
            <Field label="Sync description" error={errors.name} hint="Shown in the list of syncs.">
              {(p) => (
                <input
                  {...p}
                  value={state.name}
                  placeholder="Zoho customers to Newsletter"
                  onChange={(e) => set({ name: e.target.value })}
                  data-testid="sync-name"
                />
              )}
            </Field>
            <Field label="Connection" error={errors.connectionId}>
              {(p) => (
                <select
                  {...p}
                  value={addingConnection ? newConnectionValue : state.connectionId}
                  onChange={(e) => {
                    if (e.target.value === newConnectionValue) {
                      setAddingConnection(true);
                      return;
                    }
                    setAddingConnection(false);
                    set({ connectionId: e.target.value, sourceOrganizationId: '' });
                  }}
                  data-testid="connection-select"
                >
                  <option value="">Choose a connection…</option>
                  {connections.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name} ({connectors.find((k) => k.id === c.connector)?.displayName ?? c.connector})
                      {c.status === 'NEEDS_NEW_KEY' ? ' — needs a new key' : ''}
                    </option>
                  ))}
                  <option value={newConnectionValue}>+ Add a connection…</option>
                </select>
              )}
            </Field>
            {addingConnection ? (
              <ConnectionForm
                connectors={connectors}
                onCancel={() => setAddingConnection(false)}
                onCreated={(c) => {
                  setAddingConnection(false);
                  refetchConnections({ requestPolicy: 'network-only' });
                  set({ connectionId: c.id, sourceOrganizationId: '' });
                  setErrors(({ connectionId: _, ...rest }) => rest);
                }}
              />
            ) : null}
            {connection?.status === 'NEEDS_NEW_KEY' ? (
              <Notice>
                This connection needs a new key (Settings → Update key) before its syncs can run.
              </Notice>
            ) : null}
            {state.connectionId ? (
              <Field
                label="Source organization"
                error={
                  errors.sourceOrganizationId ?? (orgsResult.error ? errorMessage(orgsResult.error) : null)
                }
              >
                {(p) => (
                  <select
                    {...p}
                    value={state.sourceOrganizationId}
                    onChange={(e) => set({ sourceOrganizationId: e.target.value })}
                    disabled={orgsResult.fetching}
                    data-testid="source-organization"
                  >
                    <option value="">{orgsResult.fetching ? 'Loading…' : 'Choose an organization…'}</option>
                    {organizations.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : null}
            <fieldset className="radios" data-testid="import-mode">
              <legend>Which leads</legend>
              <label>
                <input
                  type="radio"
                  name="importMode"
                  checked={state.importMode === 'ALL'}
                  onChange={() => set({ importMode: 'ALL' })}
                  data-testid="import-mode-all"
                />{' '}
                All leads
              </label>
              <label>
                <input
                  type="radio"
                  name="importMode"
                  checked={state.importMode === 'CRITERIA'}
                  onChange={() => set({ importMode: 'CRITERIA' })}
                  data-testid="import-mode-criteria"
                />{' '}
                Only leads that match criteria
              </label>
              <p className="hint">
                This choice is fixed once the sync is created (the criteria themselves can change).
              </p>
              {connector?.activeOnlyReads ? (
                <label>
                  <input
                    type="checkbox"
                    checked={state.activeRecordsOnly}
                    onChange={(e) => set({ activeRecordsOnly: e.target.checked })}
                    data-testid="active-records-only"
                  />{' '}
                  Active {connector.displayName} records only (by default inactive ones are imported too)
                </label>
              ) : null}
            </fieldset>
            {state.importMode === 'CRITERIA' ? (
              <>
                {!state.connectionId ? <p className="hint">Choose a connection to see its fields.</p> : null}
                <CriteriaBuilder
                  group={state.criteria}
                  fields={fields}
                  onChange={(criteria) => set({ criteria })}
                />
                {errors.criteria ? (
                  <p className="field-error" role="alert" data-testid="error-criteria">
                    {errors.criteria}
                  </p>
                ) : null}
              </>
            ) : null}
            <Field label="Mailing list" error={errors.mailingListId}>
              {(p) => (
                <select
                  {...p}
                  value={creatingList ? newListValue : state.mailingListId}
                  onChange={(e) => {
                    const creating = e.target.value === newListValue;
                    setCreatingList(creating);
                    set({ mailingListId: creating ? '' : e.target.value });
                  }}
                  data-testid="mailing-list-select"
                >
                  <option value="">Choose a mailing list…</option>
                  {lists.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name} ({l.leadCount} leads)
                    </option>
                  ))}
                  <option value={newListValue}>+ Create a new list…</option>
                </select>
              )}
            </Field>
            {creatingList ? (
              <div className="row wrap subform">
                <Field label="Name of the new list">
                  {(p) => (
                    <input
                      {...p}
                      value={newListName}
                      onChange={(e) => setNewListName(e.target.value)}
                      data-testid="new-list-name"
                    />
                  )}
                </Field>
                <button
                  type="button"
                  onClick={addList}
                  disabled={createListState.fetching}
                  data-testid="create-list"
                >
                  Create list
                </button>
              </div>
            ) : null}
          </div>
        ) : null}

        {step === 1 ? (
          <div className="step-mapping">
            <p>
              Choose which field of <strong>{connection?.name ?? 'the source'}</strong> fills each field of a
              lead. Email is required.
            </p>
            {fieldsResult.error ? <ErrorBanner message={errorMessage(fieldsResult.error)} /> : null}
            <MappingEditor
              rows={state.mapping}
              fields={fields}
              errors={errors}
              onChange={(mapping) => set({ mapping })}
            />
          </div>
        ) : null}

        {step === 2 ? (
          <ScheduleEditor
            schedule={state.schedule}
            retrieveFrom={state.retrieveFrom}
            maxLookbackDays={maxLookbackDays}
            windowStart={windowStart}
            zones={zones}
            errors={errors}
            onChange={(schedule) => set({ schedule })}
            onRetrieveFromChange={(retrieveFrom) => set({ retrieveFrom })}
          />
        ) : null}

        {step === 3 ? (
          <div className="step-review" data-testid="review">
            <dl className="summary">
              <dt>Description</dt>
              <dd>{state.name}</dd>
              <dt>Connection</dt>
              <dd>
                {connection?.name}{' '}
                <Badge tone="neutral">{connector?.displayName ?? connection?.connector}</Badge>
              </dd>
              <dt>Source organization</dt>
              <dd>
                {organizations.find((o) => o.id === state.sourceOrganizationId)?.name ??
                  state.sourceOrganizationId}
              </dd>
              <dt>Leads</dt>
              <dd>
                {state.importMode === 'ALL' ? 'All leads' : 'Only leads that match the criteria'}
                {connector?.activeOnlyReads && state.activeRecordsOnly ? ' (active records only)' : ''}
              </dd>
              <dt>Mailing list</dt>
              <dd>{lists.find((l) => l.id === state.mailingListId)?.name}</dd>
              <dt>Field mapping</dt>
              <dd>
                <ul className="plain">
                  {state.mapping
                    .filter((m) => m.source)
                    .map((m) => (
                      <li key={m.id}>
                        {fields.find((f) => f.key === m.source)?.label ?? m.source} → {m.target}
                      </li>
                    ))}
                </ul>
              </dd>
              <dt>Schedule</dt>
              <dd data-testid="review-schedule">{describeSchedule(buildCreateSyncInput(state).schedule)}</dd>
              <dt>Data to be retrieved</dt>
              <dd data-testid="review-retrieve-from">
                {state.retrieveFrom
                  ? `Created or changed since ${formatDateTime(buildCreateSyncInput(state).retrieveFrom)}`
                  : 'Everything'}
              </dd>
              {caps.costEstimate ? (
                <>
                  <dt>Cost at the source</dt>
                  <dd data-testid="review-cost">
                    {estimate ? (
                      <>
                        {describeCost(estimate)}
                        {estimate.note ? (
                          <details className="muted small">
                            <summary>How this was counted</summary>
                            {estimate.note}
                          </details>
                        ) : null}
                      </>
                    ) : costResult.fetching ? (
                      'Counting…'
                    ) : costResult.error ? (
                      errorMessage(costResult.error)
                    ) : (
                      'This source cannot tell in advance.'
                    )}
                  </dd>
                </>
              ) : null}
            </dl>
            <p data-testid="review-first-import">
              <strong>{describeInitiation(buildCreateSyncInput(state).schedule)}</strong>
            </p>
            <div className="row wrap">
              {caps.preview ? (
                <button
                  type="button"
                  className="secondary"
                  onClick={preview}
                  disabled={busy}
                  data-testid="preview"
                >
                  {previewState.fetching ? 'Previewing…' : 'Preview'}
                </button>
              ) : null}
              <button type="button" onClick={initiate} disabled={busy} data-testid="initiate">
                {initiateState.fetching || createState.fetching ? 'Initiating…' : 'Initiate'}
              </button>
            </div>
            {caps.preview ? (
              <p className="hint">
                Preview reads the source and shows what a run would do, without changing any list.
              </p>
            ) : null}
            {previewRunId ? (
              <WatchedRunReport runId={previewRunId} timeZone={state.schedule.timeZone} />
            ) : null}
          </div>
        ) : null}

        <div className="row wizard-nav">
          {step > 0 ? (
            <button
              type="button"
              className="secondary"
              onClick={() => goTo(step - 1)}
              data-testid="wizard-back"
            >
              Back
            </button>
          ) : (
            <a className="button secondary" href={href({ name: 'syncs' })}>
              Cancel
            </a>
          )}
          {step < 3 ? (
            <button type="button" onClick={next} disabled={busy} data-testid="wizard-next">
              {caps.drafts ? 'Save and continue' : 'Next'}
            </button>
          ) : null}
        </div>
      </section>
    </div>
  );
}
