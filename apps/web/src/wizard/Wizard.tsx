import { useMemo, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage, fieldErrors } from '../api/errors.ts';
import {
  CreateSyncMutation,
  DeleteSyncMutation,
  InitiateSyncMutation,
  previewSyncMutation,
  UpdateSyncDraftMutation,
} from '../api/operations.ts';
import type { CreateSyncInput, SyncRunSummary } from '../api/types.ts';
import { ErrorBanner, Loading } from '../components/ui.tsx';
import { browserTimeZone, timeZones } from '../lib/format.ts';
import { href, navigate } from '../lib/router.ts';
import { ScheduleEditor } from './ScheduleEditor.tsx';
import {
  buildCreateSyncInput,
  type Errors,
  errorKeyOfField,
  initialWizardState,
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
import { DetailsStep } from './steps/DetailsStep.tsx';
import { MappingStep } from './steps/MappingStep.tsx';
import { ReviewStep } from './steps/ReviewStep.tsx';
import { Stepper } from './steps/Stepper.tsx';
import { useWizardSources } from './useWizardSources.ts';

interface Draft {
  id: string;
  signature: string;
}

/** The four steps of a new sync (or of a draft, from where it was left): the answers, saved as a DRAFT at each step. */
export function Wizard({ draft: saved }: { draft: SavedDraft | null }) {
  const caps = useCapabilities();
  const zones = useMemo(() => timeZones(), []);
  const [state, setState] = useState<WizardState>(() =>
    saved ? stateFromDraft(saved, browserTimeZone()) : initialWizardState(browserTimeZone()),
  );
  const [step, setStep] = useState(() => (saved ? stepOfDraft(saved) : 0));
  const [visited, setVisited] = useState(() => (saved ? stepOfDraft(saved) : 0));
  const [errors, setErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(() => (saved ? { id: saved.id, signature: '' } : null));
  const [previewRunId, setPreviewRunId] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const [createState, createSync] = useMutation<{ createSync: { id: string } }>(CreateSyncMutation);
  const [updateDraftState, updateSyncDraft] = useMutation<{ updateSyncDraft: { id: string } }>(
    UpdateSyncDraftMutation,
  );
  const [initiateState, initiateSync] = useMutation<{ initiateSync: { id: string } }>(InitiateSyncMutation);
  const [, deleteSync] = useMutation(DeleteSyncMutation);
  const [previewState, previewSync] = useMutation<{ previewSync: SyncRunSummary }>(previewSyncMutation(caps));

  const sources = useWizardSources(state, setState);
  const { connection, maxLookbackDays, windowStart } = sources;

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

  const busy =
    createState.fetching || updateDraftState.fetching || initiateState.fetching || previewState.fetching;

  if (sources.loading) return <Loading what="connections" />;

  return (
    <div className="wizard" data-testid="new-sync-wizard">
      <h1>{saved ? `Continue setup: ${saved.name}` : 'New sync'}</h1>
      <Stepper step={step} visited={visited} goTo={goTo} />
      <section className="card" aria-labelledby="step-heading">
        <h2 id="step-heading" ref={headingRef} tabIndex={-1}>
          {step + 1}. {steps[step]}
        </h2>
        <ErrorBanner message={banner} testId="wizard-error" />
        <ErrorBanner message={sources.connectionsError} />

        {step === 0 ? (
          <DetailsStep state={state} set={set} errors={errors} setErrors={setErrors} sources={sources} />
        ) : null}

        {step === 1 ? (
          <MappingStep
            sourceName={connection?.name}
            rows={state.mapping}
            fields={sources.fields}
            fieldsError={sources.fieldsError}
            errors={errors}
            onChange={(mapping) => set({ mapping })}
          />
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
          <ReviewStep
            state={state}
            draft={draft}
            sources={sources}
            busy={busy}
            previewing={previewState.fetching}
            initiating={initiateState.fetching || createState.fetching}
            onPreview={preview}
            onInitiate={initiate}
            previewRunId={previewRunId}
          />
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
