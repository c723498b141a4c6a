import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useCapabilities } from '../../api/capabilities.ts';
import { errorMessage, fieldErrors } from '../../api/errors.ts';
import {
  sourceFieldsQuery,
  sourceFieldsVariables,
  UpdateSyncRetrievalMutation,
} from '../../api/operations.ts';
import type { SourceField, SyncDetail } from '../../api/types.ts';
import { ErrorBanner, FormActions } from '../../components/ui.tsx';
import { dateToInstant, instantToDate, timeZones } from '../../lib/format.ts';
import { CriteriaBuilder } from '../../wizard/CriteriaBuilder.tsx';
import { ScheduleEditor } from '../../wizard/ScheduleEditor.tsx';
import {
  criteriaToDraft,
  draftToCriteria,
  type Errors,
  errorKeyOfField,
  scheduleFromApi,
  scheduleToApi,
  validateCriteria,
  validateSchedule,
} from '../../wizard/state.ts';
import { RereadNotice } from './EditMapping.tsx';

/** The panel that changes the schedule, the retrieval date and (for a criteria sync) the criteria. */
export function EditRetrieval({
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
      <FormActions
        label="Save"
        busy={state.fetching}
        testId="save-retrieval"
        onSubmit={submit}
        onCancel={() => onDone(false)}
      />
    </section>
  );
}
