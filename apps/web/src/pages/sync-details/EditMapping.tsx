import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useCapabilities } from '../../api/capabilities.ts';
import { errorMessage, fieldErrors } from '../../api/errors.ts';
import { sourceFieldsQuery, sourceFieldsVariables, UpdateSyncMappingMutation } from '../../api/operations.ts';
import type { SourceField, SyncDetail } from '../../api/types.ts';
import { ErrorBanner, FormActions, Notice } from '../../components/ui.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { MappingEditor } from '../../wizard/MappingEditor.tsx';
import {
  type Errors,
  mappingFromApi,
  mappingToApi,
  rereadNotice,
  validateMapping,
} from '../../wizard/state.ts';

/** Before a change that makes the next run read the whole window again (a sync that has run). */
export function RereadNotice({
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

/** The panel that changes the field mapping of a sync. */
export function EditMapping({ sync, onDone }: { sync: SyncDetail; onDone: (saved: boolean) => void }) {
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
      <FormActions
        label="Save mapping"
        busy={state.fetching}
        testId="save-mapping"
        onSubmit={submit}
        onCancel={() => onDone(false)}
      />
    </section>
  );
}
