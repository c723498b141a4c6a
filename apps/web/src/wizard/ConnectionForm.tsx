import { type FormEvent, useCallback, useState } from 'react';
import { useMutation } from 'urql';
import { fieldErrors } from '../api/errors.ts';
import { CreateConnectionMutation } from '../api/operations.ts';
import type { Connection, Connector } from '../api/types.ts';
import { FileUploadField } from '../components/FileUpload.tsx';
import { ErrorBanner, Field } from '../components/ui.tsx';

export const zohoDataCenters = [
  { value: 'com', label: 'United States (zoho.com)' },
  { value: 'eu', label: 'Europe (zoho.eu)' },
  { value: 'in', label: 'India (zoho.in)' },
  { value: 'com.au', label: 'Australia (zoho.com.au)' },
  { value: 'jp', label: 'Japan (zoho.jp)' },
  { value: 'ca', label: 'Canada (zohocloud.ca)' },
  { value: 'com.cn', label: 'China (zoho.com.cn)' },
  { value: 'sa', label: 'Saudi Arabia (zoho.sa)' },
];

export interface CsvFile {
  name: string;
  text: string;
}

/** A first look at a CSV file for the person uploading it: its columns and how many rows. */
export function describeCsv(text: string): { columns: string[]; rows: number } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  // The delimiter the connector will pick: the most frequent of , ; tab | in the header.
  const delimiter = [',', ';', '\t', '|'].reduce((best, d) =>
    header.split(d).length > header.split(best).length ? d : best,
  );
  const columns = header
    .split(delimiter)
    .map((c) => c.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
  return { columns, rows: Math.max(0, lines.length - 1) };
}

export async function readFileText(file: File): Promise<string> {
  if (typeof file.text === 'function') return file.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

interface Props {
  connectors: Connector[];
  onCreated: (connection: Connection) => void;
  onCancel: () => void;
}

/** Adds a connection: Zoho Invoice credentials, a CSV file, or (for other plugins) raw JSON. */
export function ConnectionForm({ connectors, onCreated, onCancel }: Props) {
  const [connectorId, setConnectorId] = useState(connectors[0]?.id ?? '');
  const [name, setName] = useState('');
  const [zoho, setZoho] = useState({
    clientId: '',
    clientSecret: '',
    refreshToken: '',
    dataCenter: 'com',
    apiUrl: '',
    accountsUrl: '',
  });
  const [csv, setCsv] = useState<CsvFile | null>(null);
  /** The settings of an uploaded file, once the connector has read it (connectors with `fileSetting`). */
  const [uploaded, setUploaded] = useState<{
    settings: Record<string, unknown>;
    fileName: string | null;
  } | null>(null);
  const onUploaded = useCallback(
    (settings: Record<string, unknown> | null, fileName: string | null) =>
      setUploaded(settings ? { settings, fileName } : null),
    [],
  );
  const [rawCredentials, setRawCredentials] = useState('{}');
  const [rawSettings, setRawSettings] = useState('{}');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [{ fetching }, createConnection] = useMutation<{ createConnection: Connection }>(
    CreateConnectionMutation,
  );

  const connector = connectors.find((c) => c.id === connectorId);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: Record<string, string> = {};
    let credentials: Record<string, unknown> = {};
    let settings: Record<string, unknown> = {};
    const fileSetting = connector?.fileSetting;
    if (fileSetting) {
      if (!uploaded)
        next[`settings.${fileSetting.key}`] = 'Choose a file and wait until it is uploaded and read.';
      settings = uploaded?.settings ?? {};
    } else if (connectorId === 'zoho-invoice') {
      if (!zoho.clientId.trim()) next['credentials.clientId'] = 'Enter the client ID.';
      if (!zoho.clientSecret.trim()) next['credentials.clientSecret'] = 'Enter the client secret.';
      if (!zoho.refreshToken.trim())
        next['credentials.refreshToken'] = 'Enter the account key (refresh token).';
      credentials = {
        clientId: zoho.clientId.trim(),
        clientSecret: zoho.clientSecret.trim(),
        refreshToken: zoho.refreshToken.trim(),
      };
      settings = { dataCenter: zoho.dataCenter };
      if (zoho.apiUrl.trim()) settings.apiUrl = zoho.apiUrl.trim();
      if (zoho.accountsUrl.trim()) settings.accountsUrl = zoho.accountsUrl.trim();
    } else if (connectorId === 'csv') {
      if (!csv) next['settings.csv'] = 'Choose a CSV file.';
      else if (csv.text.trim() === '') next['settings.csv'] = 'That file is empty.';
      settings = { csv: csv?.text ?? '', ...(csv ? { fileName: csv.name } : {}) };
    } else {
      try {
        credentials = JSON.parse(rawCredentials) as Record<string, unknown>;
      } catch {
        next.credentials = 'Credentials must be a JSON object.';
      }
      try {
        settings = JSON.parse(rawSettings) as Record<string, unknown>;
      } catch {
        next.settings = 'Settings must be a JSON object.';
      }
    }
    const finalName =
      name.trim() ||
      (fileSetting && uploaded?.fileName ? `${connector?.displayName}: ${uploaded.fileName}` : '') ||
      (connectorId === 'csv' && csv ? `CSV: ${csv.name}` : (connector?.displayName ?? connectorId));
    setErrors(next);
    setBanner(null);
    if (Object.keys(next).length > 0) return;
    const result = await createConnection({
      input: { connector: connectorId, name: finalName, credentials, settings },
    });
    if (result.data?.createConnection) {
      onCreated(result.data.createConnection);
      return;
    }
    const apiErrors = fieldErrors(result.error);
    const mapped: Record<string, string> = {};
    let unplaced: string | null = null;
    for (const fe of apiErrors) {
      if (fe.field) mapped[fe.field] = fe.message;
      else unplaced = fe.message;
    }
    setErrors(mapped);
    const placedKeys = ['name', 'credentials', 'settings', 'settings.csv'];
    const anyPlaced = Object.keys(mapped).some(
      (k) => placedKeys.includes(k) || k.startsWith('credentials.') || k === `settings.${fileSetting?.key}`,
    );
    setBanner(
      unplaced ??
        (anyPlaced ? null : Object.values(mapped)[0]) ??
        (result.error ? (result.error.graphQLErrors[0]?.message ?? result.error.message) : null),
    );
  }

  const zohoField = (
    key: 'clientId' | 'clientSecret' | 'refreshToken',
    label: string,
    secret: boolean,
    hint?: string,
  ) => (
    <Field label={label} error={errors[`credentials.${key}`]} hint={hint}>
      {(p) => (
        <input
          {...p}
          type={secret ? 'password' : 'text'}
          autoComplete="off"
          value={zoho[key]}
          onChange={(e) => setZoho({ ...zoho, [key]: e.target.value })}
          data-testid={`zoho-${key}`}
        />
      )}
    </Field>
  );

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
              onChange={() => setConnectorId(c.id)}
              data-testid={`connector-${c.id}`}
            />{' '}
            {c.displayName}
          </label>
        ))}
      </fieldset>
      {connector?.setupHelp ? (
        <section
          className="setup-help"
          aria-label={`How to connect ${connector.displayName}`}
          data-testid="setup-help"
        >
          <p>
            <strong>Before you start, at {connector.displayName}:</strong>
          </p>
          <ul className="plain">
            {connector.setupHelp.split('\n').map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <Field label="Connection name" error={errors.name} hint="How this account is called in Leadsync.">
        {(p) => (
          <input
            {...p}
            value={name}
            placeholder={connectorId === 'csv' ? 'CSV: my-file.csv' : connector?.displayName}
            onChange={(e) => setName(e.target.value)}
            data-testid="connection-name"
          />
        )}
      </Field>
      {connector?.fileSetting ? (
        <FileUploadField
          key={connector.id}
          connector={{ ...connector, fileSetting: connector.fileSetting }}
          error={errors[`settings.${connector.fileSetting.key}`] ?? errors.settings}
          onSettings={onUploaded}
        />
      ) : connectorId === 'zoho-invoice' ? (
        <>
          {zohoField('clientId', 'Client ID', false)}
          {zohoField('clientSecret', 'Client secret', true)}
          {zohoField(
            'refreshToken',
            'Account key (refresh token)',
            true,
            'Stored encrypted; never shown again. The account’s primary email is read from Zoho.',
          )}
          <Field label="Data center" error={errors['settings.dataCenter']}>
            {(p) => (
              <select
                {...p}
                value={zoho.dataCenter}
                onChange={(e) => setZoho({ ...zoho, dataCenter: e.target.value })}
                data-testid="zoho-dataCenter"
              >
                {zohoDataCenters.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <details>
            <summary>Advanced: custom API hosts (sandbox or proxy)</summary>
            <Field label="API URL (ends in /invoice/v3)" error={errors['settings.apiUrl']}>
              {(p) => (
                <input
                  {...p}
                  type="url"
                  value={zoho.apiUrl}
                  onChange={(e) => setZoho({ ...zoho, apiUrl: e.target.value })}
                  data-testid="zoho-apiUrl"
                />
              )}
            </Field>
            <Field label="Accounts URL" error={errors['settings.accountsUrl']}>
              {(p) => (
                <input
                  {...p}
                  type="url"
                  value={zoho.accountsUrl}
                  onChange={(e) => setZoho({ ...zoho, accountsUrl: e.target.value })}
                  data-testid="zoho-accountsUrl"
                />
              )}
            </Field>
          </details>
        </>
      ) : connectorId === 'csv' ? (
        <Field
          label="CSV file"
          error={errors['settings.csv'] ?? errors.settings}
          hint={
            csv
              ? (() => {
                  const d = describeCsv(csv.text);
                  return `${csv.name}: ${d.rows} rows; columns ${d.columns.join(', ') || '(none found)'}.`;
                })()
              : 'The first row names the columns. The file is read in your browser and stored with the connection.'
          }
        >
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) {
                  setCsv(null);
                  return;
                }
                setCsv({ name: file.name, text: await readFileText(file) });
              }}
              data-testid="csv-file"
            />
          )}
        </Field>
      ) : (
        <>
          <Field label="Credentials (JSON)" error={errors.credentials}>
            {(p) => (
              <textarea {...p} value={rawCredentials} onChange={(e) => setRawCredentials(e.target.value)} />
            )}
          </Field>
          <Field label="Settings (JSON)" error={errors.settings}>
            {(p) => <textarea {...p} value={rawSettings} onChange={(e) => setRawSettings(e.target.value)} />}
          </Field>
        </>
      )}
      <ErrorBanner message={banner} />
      <div className="row">
        <button type="submit" disabled={fetching} data-testid="connection-save">
          {fetching ? 'Checking…' : 'Add connection'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
