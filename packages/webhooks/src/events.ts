import type { Logger } from '@leadsync/connector-sdk';
import { type Database, markWebhookDeliveriesDispatched } from '@leadsync/db';
import type { EngineEvents } from '@leadsync/engine';

/** Makes the job that sends one delivery (the scheduler's `enqueueWebhookDelivery`). */
export type EnqueueDelivery = (organizationId: string, deliveryId: string) => Promise<void>;

export interface WebhookEventsDeps {
  db: Database;
  enqueue: EnqueueDelivery;
  logger: Logger;
}

/**
 * Gives deliveries their `webhook.deliver` jobs, then marks them dispatched. The engine wrote the rows in the
 * transaction of the event (the outbox); this is the fast path right after that commit. If the process dies first,
 * the scheduler's dispatcher (`startOutboxDispatcher`) finds the rows still unmarked and does the same.
 */
export async function dispatchDeliveries(
  deps: WebhookEventsDeps,
  deliveries: readonly { organizationId: string; id: string }[],
): Promise<void> {
  for (const delivery of deliveries) await deps.enqueue(delivery.organizationId, delivery.id);
  await markWebhookDeliveriesDispatched(
    deps.db,
    deliveries.map((delivery) => delivery.id),
  );
}

/** The engine's after-commit notification, in a process that has the job store. */
export function createWebhookEvents(deps: WebhookEventsDeps): EngineEvents {
  return {
    async deliveriesQueued(organizationId, deliveryIds) {
      await dispatchDeliveries(
        deps,
        deliveryIds.map((id) => ({ organizationId, id })),
      );
      deps.logger.info({ organizationId, deliveries: deliveryIds.length }, 'webhook event queued');
    },
  };
}
