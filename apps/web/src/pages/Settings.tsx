import { type FormEvent, useCallback, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage, fieldErrors } from '../api/errors.ts';
import {
  ActivateAllSyncsMutation,
  settingsQuery,
  UpdateConnectionCredentialsMutation,
  UpdateConnectionSettingsMutation,
} from '../api/operations.ts';
import type { Connection, Connector, SyncStatus } from '../api/types.ts';
import { FileUploadField } from '../components/FileUpload.tsx';
import { SyncStatusBadge } from '../components/syncStatus.tsx';
import { Badge, ErrorBanner, Field, Loading, Notice } from '../components/ui.tsx';
import { href } from '../lib/router.ts';
import { ConnectionForm, readFileText } from '../wizard/ConnectionForm.tsx';
import { WebhooksSection } from './Webhooks.tsx';

interface SettingsData {
  connections: Connection[];
  connectors: Connector[];
  syncs: {
    id: string;
    name: string;
    status: SyncStatus;
    inactiveReason: string | null;
    connection: { id: string };
  }[];
}

export function SettingsPage() {
  const caps = useCapabilities();
  const [{ data, fetching, error }, reexecute] = useQuery<SettingsData>({
    query: settingsQuery(caps),
    requestPolicy: 'cache-and-network',
  });
  const [adding, setAdding] = useState(false);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  return (
    <div data-testid="settings-page">
      <h1>Settings</h1>
      <div className="row wrap space-between">
        <h2>Connections</h2>
        {!adding ? (
          <button
            type="button"
            className="secondary"
            onClick={() => setAdding(true)}
            data-testid="add-connection"
          >
            Add a connection
          </button>
        ) : null}
      </div>
      {adding && data ? (
        <ConnectionForm
          connectors={data.connectors}
          onCancel={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            refresh();
          }}
        />
      ) : null}
      <ErrorBanner message={errorMessage(error)} />
      {fetching && !data ? <Loading what="connections" /> : null}
      {data && data.connections.length === 0 ? <p className="muted">No connections yet.</p> : null}
      <ul className="cards">
        {data?.connections.map((c) => (
          <li key={c.id}>
            <ConnectionCard
              connection={c}
              connector={data.connectors.find((k) => k.id === c.connector)}
              syncs={data.syncs.filter((s) => s.connection.id === c.id)}
              onChanged={refresh}
            />
          </li>
        ))}
      </ul>
      {caps.webhooks ? <WebhooksSection /> : null}
    </div>
  );
}

function ConnectionCard({
  connection,
  connector,
  syncs,
  onChanged,
}: {
  connection: Connection;
  connector: Connector | undefined;
  syncs: SettingsData['syncs'];
  onChanged: () => void;
}) {
  const [updating, setUpdating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [activateState, activateAll] = useMutation<{ activateAllSyncs: { id: string }[] }>(
    ActivateAllSyncsMutation,
  );
  const [activateError, setActivateError] = useState<string | null>(null);
  const needsKey = connection.status === 'NEEDS_NEW_KEY';
  const inactive = syncs.filter((s) => s.status === 'INACTIVE');
  const isCsv = connection.connector === 'csv';
  return (
    <article
      className="card connection"
      aria-labelledby={`conn-${connection.id}`}
      data-testid={`connection-${connection.id}`}
    >
      <div className="row wrap space-between">
        <h3 id={`conn-${connection.id}`}>
          {connection.name} <Badge tone="neutral">{connector?.displayName ?? connection.connector}</Badge>
        </h3>
        <Badge tone={needsKey ? 'bad' : 'good'} testId="connection-status">
          {needsKey ? 'Needs a new key' : 'Active'}
        </Badge>
      </div>
      <dl className="summary compact">
        {connection.primaryEmail ? (
          <>
            <dt>Primary email</dt>
            <dd>{connection.primaryEmail}</dd>
          </>
        ) : null}
        {connection.maskedKey ? (
          <>
            <dt>Key</dt>
            <dd className="mono">{connection.maskedKey}</dd>
          </>
        ) : null}
        {connector?.maxLookbackDays ? (
          <>
            <dt>Look-back</dt>
            <dd>{connector.maxLookbackDays} days</dd>
          </>
        ) : null}
      </dl>
      {needsKey ? (
        <Notice testId="needs-key-notice">
          {connection.statusReason ? (
            <>
              <strong data-testid="needs-key-reason">{connection.statusReason}</strong>{' '}
            </>
          ) : null}
          This account's key was changed or refused, so every sync of this connection was made inactive. Enter
          the new key; it is checked with the source first. The syncs then stay inactive until you activate
          them, one by one or with "Activate all".
        </Notice>
      ) : null}
      {syncs.length > 0 ? (
        <ul className="plain sync-mini">
          {syncs.map((s) => (
            <li key={s.id}>
              <a href={href({ name: 'sync', id: s.id, runId: null })}>{s.name}</a>{' '}
              <SyncStatusBadge status={s.status} reason={s.inactiveReason} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No syncs use this connection.</p>
      )}
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorBanner message={activateError} />
      <div className="row wrap">
        <button
          type="button"
          className={needsKey ? undefined : 'secondary'}
          aria-expanded={updating}
          onClick={() => setUpdating(!updating)}
          data-testid="update-key"
        >
          {isCsv ? 'Replace file' : 'Update key'}
        </button>
        {inactive.length > 0 ? (
          <button
            type="button"
            className="secondary"
            disabled={needsKey || activateState.fetching}
            title={needsKey ? 'Enter the new key first' : undefined}
            onClick={async () => {
              setActivateError(null);
              const result = await activateAll({ connectionId: connection.id });
              if (result.error) setActivateError(errorMessage(result.error));
              else {
                setNotice(`${result.data?.activateAllSyncs.length ?? 0} syncs activated.`);
                onChanged();
              }
            }}
            data-testid="activate-all"
          >
            Activate all ({inactive.length})
          </button>
        ) : null}
      </div>
      {updating ? (
        <UpdateKeyForm
          connection={connection}
          connector={connector}
          onDone={(message) => {
            setUpdating(false);
            setNotice(message);
            onChanged();
          }}
          onCancel={() => setUpdating(false)}
        />
      ) : null}
    </article>
  );
}

function UpdateKeyForm({
  connection,
  connector,
  onDone,
  onCancel,
}: {
  connection: Connection;
  connector: Connector | undefined;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState({ clientId: '', clientSecret: '', refreshToken: '' });
  const [raw, setRaw] = useState('{}');
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  // A server with uploads: the new file is streamed as in the wizard, and the settings name the stored file.
  const [uploaded, setUploaded] = useState<Record<string, unknown> | null>(null);
  const onUploaded = useCallback((settings: Record<string, unknown> | null) => setUploaded(settings), []);
  const fileSetting = connector?.fileSetting;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [credState, updateCredentials] = useMutation(UpdateConnectionCredentialsMutation);
  const [settingsState, updateSettings] = useMutation(UpdateConnectionSettingsMutation);
  const isZoho = connection.connector === 'zoho-invoice';
  const isCsv = connection.connector === 'csv';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBanner(null);
    const next: Record<string, string> = {};
    let result: Awaited<ReturnType<typeof updateCredentials>>;
    if (fileSetting) {
      if (!uploaded) {
        setErrors({ [`settings.${fileSetting.key}`]: 'Choose the new file and wait for its upload.' });
        return;
      }
      result = await updateSettings({ id: connection.id, settings: uploaded });
    } else if (isCsv) {
      if (!csv) {
        setErrors({ 'settings.csv': 'Choose the new CSV file.' });
        return;
      }
      result = await updateSettings({ id: connection.id, settings: { csv: csv.text, fileName: csv.name } });
    } else {
      let credentials: Record<string, unknown> = {};
      if (isZoho) {
        // Only what is given changes: a new refresh token alone keeps the stored client ID and secret.
        if (!values.refreshToken.trim()) next['credentials.refreshToken'] = 'Enter the new account key.';
        credentials = Object.fromEntries(
          Object.entries(values)
            .map(([key, value]) => [key, value.trim()])
            .filter(([, value]) => value !== ''),
        );
      } else {
        try {
          credentials = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          next.credentials = 'Credentials must be a JSON object.';
        }
      }
      setErrors(next);
      if (Object.keys(next).length > 0) return;
      result = await updateCredentials({ id: connection.id, credentials });
    }
    if (!result.error) {
      onDone(
        fileSetting || isCsv
          ? 'File replaced. The next run reads the new file.'
          : 'New key saved. Activate the syncs of this connection when you are ready.',
      );
      return;
    }
    const fe = fieldErrors(result.error);
    const mapped: Record<string, string> = {};
    for (const f of fe) if (f.field) mapped[f.field] = f.message;
    setErrors(mapped);
    const unplaced = fe.find((f) => !f.field || !(f.field in mapped));
    setBanner(unplaced?.message ?? (fe.length === 0 ? errorMessage(result.error) : null));
  }

  const input = (key: keyof typeof values, label: string, secret: boolean, hint?: string) => (
    <Field label={label} error={errors[`credentials.${key}`]} hint={hint}>
      {(p) => (
        <input
          {...p}
          type={secret ? 'password' : 'text'}
          autoComplete="off"
          value={values[key]}
          onChange={(e) => setValues({ ...values, [key]: e.target.value })}
          data-testid={`update-${key}`}
        />
      )}
    </Field>
  );

  return (
    <form className="subform" onSubmit={submit} aria-label={`Update the key of ${connection.name}`}>
      {isZoho ? (
        <>
          {input('refreshToken', 'New account key (refresh token)', true)}
          {input('clientId', 'Client ID', false, 'Leave empty to keep the stored one.')}
          {input('clientSecret', 'Client secret', true, 'Leave empty to keep the stored one.')}
        </>
      ) : connector && fileSetting ? (
        <FileUploadField
          connector={{ ...connector, fileSetting }}
          error={errors[`settings.${fileSetting.key}`] ?? errors.settings}
          onSettings={onUploaded}
        />
      ) : isCsv ? (
        <Field label="New CSV file" error={errors['settings.csv'] ?? errors.settings}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                setCsv(file ? { name: file.name, text: await readFileText(file) } : null);
              }}
            />
          )}
        </Field>
      ) : (
        <Field label="Credentials (JSON)" error={errors.credentials}>
          {(p) => <textarea {...p} value={raw} onChange={(e) => setRaw(e.target.value)} />}
        </Field>
      )}
      <ErrorBanner message={banner} />
      <div className="row">
        <button type="submit" disabled={credState.fetching || settingsState.fetching} data-testid="save-key">
          {credState.fetching || settingsState.fetching ? 'Checking…' : 'Save'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
