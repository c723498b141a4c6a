import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useCapabilities } from '../api/capabilities.ts';
import { errorMessage } from '../api/errors.ts';
import { ActivateAllSyncsMutation, settingsQuery } from '../api/operations.ts';
import type { Connection, Connector, SyncStatus } from '../api/types.ts';
import { SyncStatusBadge } from '../components/syncStatus.tsx';
import { Badge, ErrorBanner, Loading, Notice } from '../components/ui.tsx';
import { href } from '../lib/router.ts';
import { ConnectionForm } from '../wizard/ConnectionForm.tsx';
import { fileField } from '../wizard/spec.ts';
import { UpdateKeyForm } from './UpdateKeyForm.tsx';
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
  const replacesFile = fileField(connector?.spec) !== undefined;
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
          {replacesFile ? 'Replace file' : 'Update key'}
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
          spec={connector?.spec ?? null}
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
