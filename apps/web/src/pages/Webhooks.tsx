// Settings' Webhooks section: the list with each webhook's delivery log, the add form (the secret shown once,
// how to verify a signature) and the delete confirmation. Over 300 lines: one section, its three parts share the
// list's state.

import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, fieldErrors } from '../api/errors.ts';
import { CreateWebhookMutation, DeleteWebhookMutation, WebhooksQuery } from '../api/operations.ts';
import type { Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent } from '../api/types.ts';
import { Badge, ErrorBanner, Field, FormActions, Loading, type Tone } from '../components/ui.tsx';
import { formatDateTime } from '../lib/format.ts';

export const webhookEventLabels: Record<WebhookEvent, string> = {
  RUN_SUCCEEDED: 'A run succeeded',
  RUN_FAILED: 'A run failed',
  CONNECTION_NEEDS_NEW_KEY: 'A connection needs a new key',
};

const eventOrder: WebhookEvent[] = ['RUN_SUCCEEDED', 'RUN_FAILED', 'CONNECTION_NEEDS_NEW_KEY'];

const deliveryStatus: Record<WebhookDeliveryStatus, { label: string; tone: Tone }> = {
  DELIVERED: { label: 'Delivered', tone: 'good' },
  PENDING: { label: 'Retrying', tone: 'warn' },
  FAILED: { label: 'Failed', tone: 'bad' },
};

/** The Webhooks section of Settings: list with the delivery log, add (secret shown once), delete. */
export function WebhooksSection() {
  const [{ data, fetching, error }, reexecute] = useQuery<{ webhooks: Webhook[] }>({
    query: WebhooksQuery,
    requestPolicy: 'cache-and-network',
  });
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<Webhook | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  return (
    <section aria-labelledby="webhooks-heading" data-testid="webhooks-section">
      <div className="row wrap space-between">
        <h2 id="webhooks-heading">Webhooks</h2>
        {!adding ? (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setCreated(null);
              setAdding(true);
            }}
            data-testid="add-webhook"
          >
            Add a webhook
          </button>
        ) : null}
      </div>
      <p className="muted small">
        Leadsync POSTs a JSON message to these addresses when a run ends or a connection needs a new key, and
        retries for 24 hours when the receiver does not answer 2xx.
      </p>
      {adding ? (
        <WebhookForm
          onCancel={() => setAdding(false)}
          onCreated={(webhook) => {
            setAdding(false);
            setCreated(webhook);
            refresh();
          }}
        />
      ) : null}
      {created?.secret ? (
        <SecretOnce webhook={created} secret={created.secret} onDone={() => setCreated(null)} />
      ) : null}
      <ErrorBanner message={errorMessage(error)} />
      {fetching && !data ? <Loading what="webhooks" /> : null}
      {data && data.webhooks.length === 0 ? <p className="muted">No webhooks yet.</p> : null}
      <ul className="cards">
        {data?.webhooks.map((w) => (
          <li key={w.id}>
            <WebhookCard
              webhook={w}
              onDeleted={() => {
                if (created?.id === w.id) setCreated(null);
                refresh();
              }}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

function WebhookForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (w: Webhook) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [state, create] = useMutation<{ createWebhook: Webhook }>(CreateWebhookMutation);
  const eventsErrorId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBanner(null);
    const next: Record<string, string> = {};
    if (!url.trim()) next.url = 'Enter the address to send to.';
    if (events.length === 0) next.events = 'Choose at least one event.';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    const result = await create({ url: url.trim(), events: eventOrder.filter((ev) => events.includes(ev)) });
    if (result.data?.createWebhook && !result.error) {
      onCreated(result.data.createWebhook);
      return;
    }
    const fe = fieldErrors(result.error);
    const mapped: Record<string, string> = {};
    for (const f of fe) if (f.field === 'url' || f.field === 'events') mapped[f.field] = f.message;
    setErrors(mapped);
    const unplaced = fe.find((f) => f.field !== 'url' && f.field !== 'events');
    setBanner(unplaced?.message ?? (fe.length === 0 ? errorMessage(result.error) : null));
  }

  return (
    <form
      className="subform"
      onSubmit={submit}
      aria-label="Add a webhook"
      noValidate
      data-testid="webhook-form"
    >
      <Field
        label="URL"
        hint="https:// (or http:// on a host the operator allows in LEADSYNC_ALLOWED_HOSTS)"
        error={errors.url}
      >
        {(p) => (
          <input
            {...p}
            type="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://example.com/leadsync-hook"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            data-testid="webhook-url"
          />
        )}
      </Field>
      <fieldset
        className={`radios${errors.events ? ' field-invalid' : ''}`}
        aria-describedby={errors.events ? eventsErrorId : undefined}
        aria-invalid={errors.events ? true : undefined}
      >
        <legend>Events</legend>
        {eventOrder.map((ev) => (
          <label key={ev}>
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))}
              data-testid={`webhook-event-${ev}`}
            />
            {webhookEventLabels[ev]}
          </label>
        ))}
        {errors.events ? (
          <p className="field-error" id={eventsErrorId} role="alert">
            {errors.events}
          </p>
        ) : null}
      </fieldset>
      <ErrorBanner message={banner} />
      <FormActions
        label="Add webhook"
        busyLabel="Adding…"
        busy={state.fetching}
        testId="create-webhook"
        onCancel={onCancel}
      />
    </form>
  );
}

function SecretOnce({ webhook, secret, onDone }: { webhook: Webhook; secret: string; onDone: () => void }) {
  const inputId = useId();
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <section className="card secret-once" aria-label="Signing secret" data-testid="webhook-secret-box">
      <h3>Signing secret for {webhook.url}</h3>
      <p className="secret-warning">
        <strong>Copy it now: you will not see this secret again.</strong> If you lose it, delete the webhook
        and add it again.
      </p>
      <label htmlFor={inputId}>Secret</label>
      <div className="row wrap">
        <input
          id={inputId}
          className="mono secret-value"
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          data-testid="webhook-secret"
        />
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(secret);
              setCopied('Copied.');
            } catch {
              setCopied('Could not copy; select the secret and copy it yourself.');
            }
          }}
          data-testid="copy-secret"
        >
          Copy
        </button>
        <span role="status" className="muted small">
          {copied}
        </span>
      </div>
      <details className="verify-hint">
        <summary>How to verify the Leadsync-Signature header</summary>
        <p className="small">
          Each POST carries <code>Leadsync-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>. Compute
          the HMAC-SHA256 of <code>&lt;t&gt;.&lt;raw request body&gt;</code> with this secret, hex-encode it,
          and compare it with <code>v1</code> in constant time. Refuse messages whose <code>t</code> is more
          than a few minutes old.
        </p>
      </details>
      <button type="button" onClick={onDone} data-testid="secret-done">
        I have saved it
      </button>
    </section>
  );
}

function WebhookCard({ webhook, onDeleted }: { webhook: Webhook; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [deleteState, remove] = useMutation<{ deleteWebhook: boolean }>(DeleteWebhookMutation);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const headingId = `webhook-${webhook.id}`;
  const keepRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  // Keyboard users keep their place: focus moves into the confirmation and back to Delete after "Keep it".
  useEffect(() => {
    if (confirming) keepRef.current?.focus();
    else if (wasConfirming.current) deleteRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  return (
    <article className="card webhook" aria-labelledby={headingId} data-testid={`webhook-${webhook.id}`}>
      <h3 id={headingId} className="webhook-url mono" data-testid="webhook-url-text">
        {webhook.url}
      </h3>
      <dl className="summary compact">
        <dt>Events</dt>
        <dd data-testid="webhook-events">
          {eventOrder
            .filter((ev) => webhook.events.includes(ev))
            .map((ev) => webhookEventLabels[ev])
            .join(', ')}
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(webhook.createdAt)}</dd>
      </dl>
      <Deliveries deliveries={webhook.deliveries} url={webhook.url} />
      <ErrorBanner message={deleteError} />
      {confirming ? (
        <fieldset className="row wrap confirm">
          <legend>Delete this webhook? It receives nothing more and pending deliveries are dropped.</legend>
          <button
            type="button"
            className="danger"
            disabled={deleteState.fetching}
            onClick={async () => {
              setDeleteError(null);
              const result = await remove({ id: webhook.id });
              if (result.error) setDeleteError(errorMessage(result.error));
              else {
                setConfirming(false);
                onDeleted();
              }
            }}
            data-testid="confirm-delete-webhook"
          >
            Delete webhook
          </button>
          <button
            type="button"
            className="secondary"
            ref={keepRef}
            onClick={() => setConfirming(false)}
            data-testid="cancel-delete-webhook"
          >
            Keep it
          </button>
        </fieldset>
      ) : (
        <button
          type="button"
          className="secondary"
          ref={deleteRef}
          aria-label={`Delete the webhook ${webhook.url}`}
          onClick={() => setConfirming(true)}
          data-testid="delete-webhook"
        >
          Delete
        </button>
      )}
    </article>
  );
}

function Deliveries({ deliveries, url }: { deliveries: WebhookDelivery[]; url: string }) {
  if (deliveries.length === 0) return <p className="muted small">Nothing sent yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table deliveries-table" data-testid="webhook-deliveries">
        <caption className="visually-hidden">Last deliveries to {url}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col">Last error</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id} data-testid="webhook-delivery">
              <td>{webhookEventLabels[d.event] ?? d.event}</td>
              <td>
                <Badge tone={deliveryStatus[d.status]?.tone ?? 'neutral'}>
                  {deliveryStatus[d.status]?.label ?? d.status}
                </Badge>
              </td>
              <td className="num">{d.attempts}</td>
              <td>
                {d.lastError || d.lastStatusCode
                  ? [d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : null, d.lastError]
                      .filter(Boolean)
                      .join(': ')
                  : '—'}
                {d.status === 'PENDING' && d.nextAttemptAt ? (
                  <span className="muted small"> (next try {formatDateTime(d.nextAttemptAt)})</span>
                ) : null}
              </td>
              <td>{formatDateTime(d.deliveredAt ?? d.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
