import { type Executor, WebhookRepository } from '@leadsync/db';
import {
  type Connection,
  runCounters,
  type Sync,
  type SyncRun,
  type WebhookEvent,
} from '@leadsync/db/schema';

/**
 * Run and connection events as webhook deliveries, written by the engine in the transaction of the change they
 * report (the outbox): a run's end commits with its `RUN_SUCCEEDED` / `RUN_FAILED` rows, a refused key with its
 * `CONNECTION_NEEDS_NEW_KEY` rows, so a crash after the commit loses no event. Whoever ran it (a worker, the API's
 * embedded worker, `leadsync sync run`), the workers' dispatcher gives each row its job.
 */

/** The JSON body of a run event (also what `webhook_deliveries.payload` keeps). */
export function runPayload(run: SyncRun, sync: Pick<Sync, 'id' | 'name'>): Record<string, unknown> {
  return {
    event: runEvent(run),
    organizationId: run.organizationId,
    sync: { id: sync.id, name: sync.name },
    run: {
      id: run.id,
      status: run.status.toUpperCase(),
      trigger: run.trigger,
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      error: run.error ?? null,
      ...runCounters(run),
    },
    occurredAt: (run.finishedAt ?? new Date()).toISOString(),
  };
}

export function connectionPayload(connection: Connection): Record<string, unknown> {
  return {
    event: 'CONNECTION_NEEDS_NEW_KEY' satisfies WebhookEvent,
    organizationId: connection.organizationId,
    connection: {
      id: connection.id,
      name: connection.name,
      connector: connection.connectorId,
      status: 'NEEDS_NEW_KEY',
      statusReason: connection.statusReason,
    },
    occurredAt: (connection.updatedAt ?? new Date()).toISOString(),
  };
}

function runEvent(run: SyncRun): WebhookEvent {
  return run.status === 'succeeded' ? 'RUN_SUCCEEDED' : 'RUN_FAILED';
}

/** In the run's finishing transaction: one delivery per subscribed webhook; none for a preview. */
export function queueRunEvent(
  tx: Executor,
  run: SyncRun,
  sync: Pick<Sync, 'id' | 'name'>,
): Promise<string[]> {
  if (run.dryRun || (run.status !== 'succeeded' && run.status !== 'failed')) return Promise.resolve([]);
  return new WebhookRepository(tx, run.organizationId).enqueue(
    runEvent(run),
    `run:${run.id}`,
    runPayload(run, sync),
  );
}

/** In the transaction that set `needs_new_key`. */
export function queueConnectionEvent(tx: Executor, connection: Connection): Promise<string[]> {
  const at = connection.updatedAt ?? new Date();
  return new WebhookRepository(tx, connection.organizationId).enqueue(
    'CONNECTION_NEEDS_NEW_KEY',
    `connection:${connection.id}:${at.getTime()}`,
    connectionPayload(connection),
  );
}
