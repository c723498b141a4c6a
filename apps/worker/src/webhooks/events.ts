import type { Logger } from '@leadsync/connector-sdk';
import { type Database, WebhookRepository } from '@leadsync/db';
import {
  type Connection,
  runCounters,
  type Sync,
  type SyncRun,
  type WebhookEvent,
} from '@leadsync/db/schema';
import type { EngineEvents } from '@leadsync/engine';

/** Makes the job that sends one delivery (the scheduler's `enqueueWebhookDelivery`). */
export type EnqueueDelivery = (organizationId: string, deliveryId: string) => Promise<void>;

export interface WebhookEventsDeps {
  db: Database;
  enqueue: EnqueueDelivery;
  logger: Logger;
  now?: () => Date;
}

/** The JSON body of a run event (also what `webhook_deliveries.payload` keeps). */
export function runPayload(run: SyncRun, sync: Sync, occurredAt: Date): Record<string, unknown> {
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
    occurredAt: occurredAt.toISOString(),
  };
}

export function connectionPayload(connection: Connection, occurredAt: Date): Record<string, unknown> {
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
    occurredAt: occurredAt.toISOString(),
  };
}

function runEvent(run: SyncRun): WebhookEvent {
  return run.status === 'succeeded' ? 'RUN_SUCCEEDED' : 'RUN_FAILED';
}

/**
 * The engine's events as webhook deliveries: one row per subscribed webhook (same database, one statement; an event
 * raised twice is stored once), then one `webhook.deliver` job per row.
 */
export function createWebhookEvents(deps: WebhookEventsDeps): EngineEvents {
  const now = deps.now ?? (() => new Date());

  async function raise(
    organizationId: string,
    event: WebhookEvent,
    eventKey: string,
    payload: Record<string, unknown>,
  ) {
    const ids = await new WebhookRepository(deps.db, organizationId).enqueue(event, eventKey, payload);
    for (const id of ids) await deps.enqueue(organizationId, id);
    if (ids.length > 0)
      deps.logger.info({ organizationId, event, deliveries: ids.length }, 'webhook event queued');
  }

  return {
    async runFinished(run, sync) {
      await raise(
        run.organizationId,
        runEvent(run),
        `run:${run.id}`,
        runPayload(run, sync, run.finishedAt ?? now()),
      );
    },
    async connectionNeedsNewKey(connection) {
      const at = connection.updatedAt ?? now();
      await raise(
        connection.organizationId,
        'CONNECTION_NEEDS_NEW_KEY',
        `connection:${connection.id}:${at.getTime()}`,
        connectionPayload(connection, at),
      );
    },
  };
}
