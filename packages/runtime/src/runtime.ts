import { mkdir } from 'node:fs/promises';
import type { Logger } from '@leadsync/connector-sdk';
import { connectorRegistry } from '@leadsync/connectors';
import { nextRunAt } from '@leadsync/core';
import {
  createDatabase,
  type Database,
  type DatabaseHandle,
  type DatabaseServer,
  openDatabaseServer,
  pruneExpiredRunRecords,
  runMigrations,
  type SecretBox,
} from '@leadsync/db';
import { createEngine, type Engine, type EngineDeps } from '@leadsync/engine';
import { createJobScheduler, type JobScheduler } from '@leadsync/jobs';
import { createWebhookDeliverer, createWebhookEvents } from '@leadsync/webhooks';
import type { CommonEnvironment } from './env.ts';
import { openSecretBox } from './secret-key.ts';

/** The job side of a process that runs jobs (the worker, the API's embedded worker). */
export interface WorkerOptions {
  /** The connectors whose jobs this process runs; default: all. */
  connectors?: readonly string[];
  concurrency: number;
  lockLifetimeMs: number;
  processEveryMs: number;
}

export interface RuntimeOptions {
  env: Pick<CommonEnvironment, 'DATABASE_URL' | 'MONGODB_URL' | 'LEADSYNC_DATA_DIR' | 'LEADSYNC_SECRET_KEY'>;
  logger: Logger;
  /** Shown in `pg_stat_activity`. */
  applicationName: string;
  /** Connections for the process's own work (API requests, CLI commands); the jobs' are added. Default 4. */
  poolSize?: number;
  /** Where tenants may point the server (`LEADSYNC_ALLOWED_HOSTS`, the sandbox's port). */
  allowedHosts: readonly string[];
  /** Servers create the secret key on their first start (and the data directory); the CLI only reads it. */
  secretKey: 'load-or-create' | 'existing';
  /** Applies the pending migrations (idempotent and serialised between processes). */
  migrate?: boolean;
  /**
   * The job store: unset, none (the CLI: its webhook deliveries are dispatched by a worker's outbox); `enqueue`,
   * the enqueue side only (an API whose workers run elsewhere); a `WorkerOptions`, this process runs jobs too.
   */
  jobs?: 'enqueue' | WorkerOptions;
}

/** What a Leadsync process is built from, made once: one pool, one secret box, one registry, one engine. */
export interface Runtime {
  server: DatabaseServer;
  database: DatabaseHandle;
  db: Database;
  secretBox: SecretBox;
  registry: typeof connectorRegistry;
  engine: Engine;
  /**
   * Set when `jobs` was; not started: the app calls `start()` when the process is ready for jobs (the API after its
   * sandbox connection is up to date), and before anything is enqueued.
   */
  scheduler?: JobScheduler;
  logger: Logger;
  allowedHosts: readonly string[];
  /**
   * Graceful: the scheduler takes no new job and running pages finish (up to `drainTimeoutMs`), then the pool
   * closes and the embedded server stops when this process started it.
   */
  close(drainTimeoutMs?: number): Promise<void>;
}

export class UnknownConnectorIdError extends Error {
  constructor(id: string, known: readonly string[]) {
    super(`Unknown connector "${id}" (known: ${known.join(', ')})`);
    this.name = 'UnknownConnectorIdError';
  }
}

/**
 * An engine on the composed registry (`@leadsync/connectors`): what `createRuntime` builds, and `leadsync doctor`
 * with a secret key it checked itself.
 */
export function createProcessEngine(
  deps: Omit<EngineDeps, 'registry'> & Partial<Pick<EngineDeps, 'registry'>>,
): Engine {
  return createEngine({ ...deps, registry: deps.registry ?? connectorRegistry });
}

/**
 * Opens the database (`DATABASE_URL`, or the embedded server of the data directory, shared with the other
 * processes on it), the secret box, the connector registry, the engine and, when asked, the job scheduler.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { env, logger, allowedHosts } = options;
  const registry = connectorRegistry;
  const known = registry.list().map((connector) => connector.id);
  const worker = typeof options.jobs === 'object' ? options.jobs : undefined;
  for (const id of worker?.connectors ?? []) {
    if (!registry.has(id)) throw new UnknownConnectorIdError(id, known);
  }
  if (options.secretKey === 'load-or-create') {
    // Traversable, so the embedded PostgreSQL (its own system user) reaches its cluster; the secrets are 0600 files.
    await mkdir(env.LEADSYNC_DATA_DIR, { recursive: true, mode: 0o755 });
  }
  const secretBox = await openSecretBox(env, options.secretKey);
  const server = await openDatabaseServer({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.LEADSYNC_DATA_DIR,
    onLog: (line) => logger.debug({ component: 'embedded-postgres' }, line),
    onNotice: (line) => logger.info({ component: 'embedded-postgres' }, line),
  });
  let database: DatabaseHandle | undefined;
  let scheduler: JobScheduler | undefined;
  try {
    if (options.migrate) await runMigrations(server.url);
    // A running job holds two connections (its run's and its sync's lock session); a few for lookups besides.
    const jobConnections = worker ? worker.concurrency * 3 + 5 : options.jobs ? 2 : 0;
    database = createDatabase(server.url, {
      max: (options.poolSize ?? 4) + jobConnections,
      applicationName: options.applicationName,
    });
    const db = database.db;
    const engine = createProcessEngine({
      db,
      secretBox,
      registry,
      allowedHosts,
      logger,
      // Webhooks: a finished run or a refused key becomes delivery rows and `webhook.deliver` jobs.
      events: options.jobs
        ? createWebhookEvents({
            db,
            logger,
            enqueue: async (organizationId, deliveryId) => {
              if (!scheduler) throw new Error('the job scheduler is not started');
              await scheduler.enqueueWebhookDelivery(organizationId, deliveryId);
            },
          })
        : undefined,
    });
    if (options.jobs) {
      scheduler = createJobScheduler({
        databaseUrl: server.url,
        database,
        mongodbUrl: env.MONGODB_URL,
        connectors: worker ? (worker.connectors?.length ? worker.connectors : undefined) : [],
        knownConnectors: known,
        concurrency: worker?.concurrency ?? 1,
        logger,
        engine: worker ? engine : undefined,
        nextRunAt,
        lockLifetimeMs: worker?.lockLifetimeMs,
        processEveryMs: worker?.processEveryMs,
        pruneRunRecords: worker ? () => pruneExpiredRunRecords(db) : undefined,
        webhookDelivery: worker ? createWebhookDeliverer({ db, secretBox, allowedHosts, logger }) : undefined,
      });
    }
    const handle = database;
    const jobs = scheduler;
    return {
      server,
      database: handle,
      db,
      secretBox,
      registry,
      engine,
      scheduler: jobs,
      logger,
      allowedHosts,
      async close(drainTimeoutMs = 30_000) {
        const result = await jobs?.drain(drainTimeoutMs);
        if (result?.timedOut) {
          logger.warn(
            { running: result.running },
            'runs still busy after the drain timeout: another worker resumes them',
          );
        }
        await handle.close();
        if (server.owned) await server.stop();
      },
    };
  } catch (error) {
    await database?.close().catch(() => {});
    if (server.owned) await server.stop().catch(() => {});
    throw error;
  }
}
