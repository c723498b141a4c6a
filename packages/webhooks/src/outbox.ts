import type { Logger } from '@leadsync/connector-sdk';
import { type Database, findUndispatchedWebhookDeliveries } from '@leadsync/db';
import { dispatchDeliveries, type EnqueueDelivery } from './events.ts';

export interface OutboxDispatcherOptions {
  db: Database;
  enqueue: EnqueueDelivery;
  logger: Logger;
  /** How often the outbox is read (the scheduler's polling interval). */
  everyMs: number;
  /** Rows handed over per pass (default 500). */
  batch?: number;
}

export interface OutboxDispatcher {
  /** One pass now (also what the timer does); resolves to the number of deliveries given a job. */
  dispatch(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The dispatcher of the webhook outbox: every `everyMs`, the pending deliveries that no process has given a job
 * (written by a run or a refused key in any process, the CLI included, or left by a process that died right after
 * its commit) get their `webhook.deliver` jobs. Several workers may dispatch the same row at once: the job is unique
 * per delivery and the attempt is claimed in the database, so it is still sent once.
 */
export function startOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const batch = options.batch ?? 500;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function pass(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await findUndispatchedWebhookDeliveries(options.db, batch);
      if (rows.length === 0 || stopped) return total;
      await dispatchDeliveries(options, rows);
      total += rows.length;
      if (rows.length < batch) return total;
    }
  }

  function dispatch(): Promise<number> {
    running ??= pass()
      .then((count) => {
        if (count > 0) options.logger.info({ deliveries: count }, 'webhook outbox: deliveries dispatched');
        return count;
      })
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, 'webhook outbox: dispatch failed, trying again later');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timer = setInterval(() => void dispatch(), options.everyMs);
  timer.unref();
  return {
    dispatch,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
