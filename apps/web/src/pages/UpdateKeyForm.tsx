import { type FormEvent, useMemo, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage, fieldErrors } from '../api/errors.ts';
import { UpdateConnectionCredentialsMutation, UpdateConnectionSettingsMutation } from '../api/operations.ts';
import type { Connection, ConnectionSpec } from '../api/types.ts';
import { FileUploadField } from '../components/FileUpload.tsx';
import { SpecFields } from '../components/SpecFields.tsx';
import { ErrorBanner, Field, FormActions } from '../components/ui.tsx';
import {
  fileField,
  initialValues,
  inSentence,
  keyFields,
  type SpecValues,
  toInput,
  type UploadedFile,
  validateValues,
} from '../wizard/spec.ts';

interface Props {
  connection: Connection;
  /** The connector's spec: its credentials (the account key first), or the file it reads. */
  spec: ConnectionSpec | null;
  onDone: (message: string) => void;
  onCancel: () => void;
}

/**
 * A new key for a connection, drawn from its connector's spec: the account key alone is enough (the other
 * credentials are kept when left empty); a connector that reads a file gets a new file instead, uploaded in parts.
 * Without a spec, the credentials are typed as JSON.
 */
export function UpdateKeyForm({ connection, spec, onDone, onCancel }: Props) {
  const file = fileField(spec);
  const fields = useMemo(() => (spec && !file ? keyFields(spec) : []), [spec, file]);
  const [values, setValues] = useState<SpecValues>(() => initialValues(fields));
  const [uploaded, setUploaded] = useState<UploadedFile | null>(null);
  const [raw, setRaw] = useState('{}');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [credState, updateCredentials] = useMutation(UpdateConnectionCredentialsMutation);
  const [settingsState, updateSettings] = useMutation(UpdateConnectionSettingsMutation);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBanner(null);
    let result: Awaited<ReturnType<typeof updateCredentials>>;
    if (file) {
      if (!uploaded) {
        setErrors({ [file.path]: 'Choose the new file and wait until it is uploaded and read.' });
        return;
      }
      result = await updateSettings({ id: connection.id, settings: uploaded.settings });
    } else {
      let credentials: unknown = {};
      const found: Record<string, string> = spec ? validateValues(fields, values) : {};
      if (spec) credentials = toInput(fields, values).credentials;
      else {
        try {
          credentials = JSON.parse(raw);
        } catch {
          found.credentials = 'Credentials must be a JSON object.';
        }
      }
      setErrors(found);
      if (Object.keys(found).length > 0) return;
      result = await updateCredentials({ id: connection.id, credentials });
    }
    if (!result.error) {
      onDone(
        file
          ? 'File replaced. The next run reads the new file.'
          : 'New key saved. Activate the syncs of this connection when you are ready.',
      );
      return;
    }
    const fe = fieldErrors(result.error);
    const mapped: Record<string, string> = {};
    for (const f of fe) if (f.field) mapped[f.field] = f.message;
    setErrors(mapped);
    const unplaced = fe.find((f) => !f.field);
    setBanner(unplaced?.message ?? (fe.length === 0 ? errorMessage(result.error) : null));
  }

  return (
    <form className="subform" onSubmit={submit} aria-label={`Update the key of ${connection.name}`}>
      {file ? (
        <FileUploadField
          connectorId={connection.connector}
          field={{ ...file, title: `New ${inSentence(file.title)}` }}
          error={errors[file.path] ?? errors.settings}
          onUploaded={setUploaded}
        />
      ) : spec ? (
        <SpecFields
          connectorId={connection.connector}
          fields={fields}
          values={values}
          errors={errors}
          onChange={(path, value) => setValues((v) => ({ ...v, [path]: value }))}
        />
      ) : (
        <Field label="Credentials (JSON)" error={errors.credentials}>
          {(p) => <textarea {...p} value={raw} onChange={(e) => setRaw(e.target.value)} />}
        </Field>
      )}
      <ErrorBanner message={banner} />
      <FormActions
        label="Save"
        busyLabel="Checking…"
        busy={credState.fetching || settingsState.fetching}
        testId="save-key"
        onCancel={onCancel}
      />
    </form>
  );
}
