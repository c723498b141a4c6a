import type { Logger } from '@leadsync/connector-sdk';
import { connectorRegistry } from '@leadsync/connectors';
import { nextRunAt } from '@leadsync/core';
import {
  createDatabase,
  type DatabaseServer,
  loadOrCreateSecretKey,
  openDatabaseServer,
  pruneExpiredRunRecords,
  runMigrations,
  SecretBox,
} from '@leadsync/db';
import { createEngine } from '@leadsync/engine';
import type { WorkerEnvironment } from './env.ts';
import { createLogger } from './logger.ts';
import { createJobScheduler, type JobScheduler } from './scheduler.ts';
import { createWebhookDeliverer } from './webhooks/deliver.ts';
import { createWebhookEvents } from './webhooks/events.ts';

export interface StartWorkerOptions {
  /** `--connector`: the connectors this worker runs; overrides `LEADSYNC_WORKER_CONNECTORS`. Default: all. */
  connectors?: readonly string[];
  /** A database the caller has opened and migrated already (the API process); default: `DATABASE_URL` or embedded. */
  databaseUrl?: string;
  logger?: Logger;
  /** The allowed hosts in effect (the API passes the sandbox's default); default: `LEADSYNC_ALLOWED_HOSTS` or none. */
  allowedHosts?: readonly string[];
}

export interface RunningWorker {
  /** Also the API's way to schedule syncs and enqueue runs when the worker runs in its process. */
  scheduler: JobScheduler;
  logger: Logger;
  /** Graceful: no new job, running pages finish (up to `LEADSYNC_WORKER_DRAIN_TIMEOUT_MS`), connections close. */
  stop(): Promise<void>;
}

export class UnknownConnectorIdError extends Error {
  constructor(id: string, known: readonly string[]) {
    super(`Unknown connector "${id}" (known: ${known.join(', ')})`);
    this.name = 'UnknownConnectorIdError';
  }
}

/**
 * Starts a worker: the database (given, `DATABASE_URL`, or the embedded server that `pnpm start` runs on the same
 * data directory), the engine, and the job scheduler taking the jobs of its connectors.
 */
export async function startWorker(
  env: WorkerEnvironment,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const logger: Logger =
    options.logger ?? createLogger(env.LOG_LEVEL, { service: 'leadsync-worker', pid: process.pid });
  const known = connectorRegistry.list().map((connector) => connector.id);
  // Unset: nothing (a worker of its own runs no sandbox; `pnpm start` passes the sandbox's port).
  const allowedHosts = options.allowedHosts ?? env.LEADSYNC_ALLOWED_HOSTS ?? [];
  const connectors = options.connectors?.length ? options.connectors : env.LEADSYNC_WORKER_CONNECTORS;
  for (const id of connectors ?? []) {
    if (!connectorRegistry.has(id)) throw new UnknownConnectorIdError(id, known);
  }

  let server: DatabaseServer | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    server = await openDatabaseServer({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.LEADSYNC_DATA_DIR,
      onLog: (line) => logger.debug({ component: 'embedded-postgres' }, line),
      onNotice: (line) => logger.info({ component: 'embedded-postgres' }, line),
    });
    databaseUrl = server.url;
    // Idempotent and serialised: a worker started alone, or before the API, finds the schema ready.
    await runMigrations(databaseUrl);
  }
  const handle = createDatabase(databaseUrl, {
    max: env.LEADSYNC_WORKER_CONCURRENCY * 2 + 2,
    applicationName: 'leadsync-worker',
  });
  let scheduler: JobScheduler | undefined;
  try {
    const secretBox = new SecretBox(
      await loadOrCreateSecretKey(env.LEADSYNC_DATA_DIR, env.LEADSYNC_SECRET_KEY),
    );
    const engine = createEngine({
      db: handle.db,
      secretBox,
      registry: connectorRegistry,
      allowedHosts,
      logger,
      // Webhooks: a finished run or a refused key becomes delivery rows and `webhook.deliver` jobs.
      events: createWebhookEvents({
        db: handle.db,
        logger,
        enqueue: async (organizationId, deliveryId) => {
          if (!scheduler) throw new Error('the job scheduler is not started');
          await scheduler.enqueueWebhookDelivery(organizationId, deliveryId);
        },
      }),
    });
    scheduler = createJobScheduler({
      databaseUrl,
      mongodbUrl: env.MONGODB_URL,
      connectors,
      knownConnectors: known,
      concurrency: env.LEADSYNC_WORKER_CONCURRENCY,
      logger,
      engine,
      nextRunAt,
      lockLifetimeMs: env.LEADSYNC_WORKER_LOCK_LIFETIME_MS,
      processEveryMs: env.LEADSYNC_WORKER_POLL_MS,
      pruneRunRecords: () => pruneExpiredRunRecords(handle.db),
      webhookDelivery: createWebhookDeliverer({
        db: handle.db,
        secretBox,
        allowedHosts,
        logger,
      }),
    });
    await scheduler.start();
  } catch (error) {
    await handle.close().catch(() => {});
    if (server?.owned) await server.stop().catch(() => {});
    throw error;
  }
  const running = scheduler;
  return {
    scheduler: running,
    logger,
    async stop() {
      const result = await running.drain(env.LEADSYNC_WORKER_DRAIN_TIMEOUT_MS);
      if (result.timedOut) {
        logger.warn(
          { running: result.running },
          'runs still busy after the drain timeout: another worker resumes them',
        );
      }
      await handle.close();
      if (server?.owned) await server.stop();
    },
  };
}
