import { type FormEvent, useMemo, useState } from 'react';
import { useMutation } from 'urql';
import { fieldErrors } from '../api/errors.ts';
import { CreateConnectionMutation } from '../api/operations.ts';
import type { Connection, ConnectionSpec, Connector } from '../api/types.ts';
import { SpecFields } from '../components/SpecFields.tsx';
import { ErrorBanner, Field, FormActions } from '../components/ui.tsx';
import {
  fileField,
  helpSteps,
  initialValues,
  type SpecValues,
  specFields,
  toInput,
  type UploadedFile,
  validateValues,
} from './spec.ts';

interface Props {
  connectors: Connector[];
  onCreated: (connection: Connection) => void;
  onCancel: () => void;
}

/** What to do at the source before connecting it: the spec's steps and links. */
export function SetupHelp({
  spec,
  displayName,
}: {
  spec: ConnectionSpec | null | undefined;
  displayName: string;
}) {
  const steps = helpSteps(spec);
  if (steps.length === 0 && !spec?.links?.length) return null;
  return (
    <section className="setup-help" aria-label={`How to connect ${displayName}`} data-testid="setup-help">
      <p>
        <strong>Before you start, at {displayName}:</strong>
      </p>
      <ul className="plain">
        {steps.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {spec?.links?.length ? (
        <p className="small">
          {spec.links.map((link, i) => (
            <span key={link.url}>
              {i > 0 ? ' · ' : null}
              <a href={link.url} target="_blank" rel="noreferrer">
                {link.title}
              </a>
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}

/**
 * Adds a connection, drawn from the chosen connector's spec (`Connector.spec`): its help, its fields by kind, the
 * API's errors beside the field they name. A connector without a spec gets credentials and settings as JSON.
 */
export function ConnectionForm({ connectors, onCreated, onCancel }: Props) {
  const [connectorId, setConnectorId] = useState(connectors[0]?.id ?? '');
  const connector = connectors.find((c) => c.id === connectorId);
  const spec = connector?.spec ?? null;
  const fields = useMemo(() => (spec ? specFields(spec) : []), [spec]);
  const [name, setName] = useState('');
  const [values, setValues] = useState<SpecValues>(() => initialValues(fields));
  const [raw, setRaw] = useState({ credentials: '{}', settings: '{}' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [{ fetching }, createConnection] = useMutation<{ createConnection: Connection }>(
    CreateConnectionMutation,
  );

  function choose(id: string) {
    setConnectorId(id);
    const next = connectors.find((c) => c.id === id)?.spec;
    setValues(initialValues(next ? specFields(next) : []));
    setErrors({});
    setBanner(null);
  }

  /** The credentials and settings to send, or the errors that keep them from being sent. */
  function input(): { credentials: unknown; settings: unknown } | { errors: Record<string, string> } {
    if (spec) {
      const found = validateValues(fields, values);
      return Object.keys(found).length > 0 ? { errors: found } : toInput(fields, values);
    }
    const found: Record<string, string> = {};
    const parse = (section: 'credentials' | 'settings') => {
      try {
        return JSON.parse(raw[section]) as unknown;
      } catch {
        found[section] = `The ${section} must be a JSON object.`;
        return {};
      }
    };
    const parsed = { credentials: parse('credentials'), settings: parse('settings') };
    return Object.keys(found).length > 0 ? { errors: found } : parsed;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBanner(null);
    const made = input();
    if ('errors' in made) {
      setErrors(made.errors);
      return;
    }
    setErrors({});
    const file = fileField(spec);
    const uploaded = file ? (values[file.path] as UploadedFile | null) : null;
    const finalName =
      name.trim() ||
      (uploaded?.fileName
        ? `${connector?.displayName}: ${uploaded.fileName}`
        : (connector?.displayName ?? ''));
    const result = await createConnection({
      input: { connector: connectorId, name: finalName, ...made },
    });
    if (result.data?.createConnection) {
      onCreated(result.data.createConnection);
      return;
    }
    // The API names the field at fault (`credentials.refreshToken`): the error goes beside it.
    const mapped: Record<string, string> = {};
    let unplaced: string | null = null;
    for (const fe of fieldErrors(result.error)) {
      if (fe.field && (fe.field === 'name' || fields.some((f) => f.path === fe.field) || !spec)) {
        mapped[fe.field] = fe.message;
      } else unplaced = fe.message;
    }
    setErrors(mapped);
    setBanner(
      unplaced ??
        (Object.keys(mapped).length > 0
          ? null
          : (result.error?.graphQLErrors[0]?.message ?? result.error?.message ?? null)),
    );
  }

  return (
    <form className="subform" onSubmit={submit} data-testid="connection-form" aria-label="Add a connection">
      <h3>Add a connection</h3>
      <fieldset className="radios">
        <legend>Source</legend>
        {connectors.map((c) => (
          <label key={c.id}>
            <input
              type="radio"
              name="connector"
              value={c.id}
              checked={connectorId === c.id}
              onChange={() => choose(c.id)}
              data-testid={`connector-${c.id}`}
            />{' '}
            {c.displayName}
          </label>
        ))}
      </fieldset>
      <SetupHelp spec={spec} displayName={connector?.displayName ?? ''} />
      <Field label="Connection name" error={errors.name} hint="How this account is called in Leadsync.">
        {(p) => (
          <input
            {...p}
            value={name}
            placeholder={connector?.displayName}
            onChange={(e) => setName(e.target.value)}
            data-testid="connection-name"
          />
        )}
      </Field>
      {spec ? (
        <SpecFields
          connectorId={connectorId}
          fields={fields}
          values={values}
          errors={errors}
          onChange={(path, value) => setValues((v) => ({ ...v, [path]: value }))}
        />
      ) : (
        (['credentials', 'settings'] as const).map((section) => (
          <Field key={section} label={`The ${section} (JSON)`} error={errors[section]}>
            {(p) => (
              <textarea
                {...p}
                value={raw[section]}
                onChange={(e) => setRaw({ ...raw, [section]: e.target.value })}
                data-testid={`raw-${section}`}
              />
            )}
          </Field>
        ))
      )}
      <ErrorBanner message={banner} />
      <FormActions
        label="Add connection"
        busyLabel="Checking…"
        busy={fetching}
        testId="connection-save"
        onCancel={onCancel}
      />
    </form>
  );
}
