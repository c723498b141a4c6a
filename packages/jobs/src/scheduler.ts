import { hostname } from 'node:os';
import type { Logger } from '@leadsync/connector-sdk';
import { createDatabase, type DatabaseHandle, findPendingWebhookDeliveries } from '@leadsync/db';
import { type OutboxDispatcher, startOutboxDispatcher } from '@leadsync/webhooks';
import { Agenda, type DrainResult, exponential } from 'agenda';
import {
  createJobHandlers,
  createWebhookJobHandler,
  type RunEngine,
  type WebhookDelivery,
} from './handlers.ts';
import { type JobData, jobName, RETENTION_JOB, WEBHOOK_JOB, type WebhookJobData } from './jobs.ts';
import { createJobQueue, type JobQueue, type NextRunAtFn } from './queue.ts';
import { type JobStore, openJobStore } from './store.ts';

export interface JobSchedulerOptions {
  /** Leadsync's PostgreSQL: the job store's home unless `mongodbUrl` is set. */
  databaseUrl: string;
  /** The process's database pool (the runtime's); default: a pool of its own on `databaseUrl`, closed with it. */
  database?: DatabaseHandle;
  mongodbUrl?: string;
  /** Connector ids whose jobs this process runs; undefined: every connector in `knownConnectors`. */
  connectors?: readonly string[];
  /** Every registered connector id (the engine's registry); needed when `connectors` is undefined. */
  knownConnectors?: readonly string[];
  /** Runs executed at the same time by this process. */
  concurrency: number;
  logger: Logger;
  /** Required to run jobs; without it the scheduler only enqueues (the API process with an external worker). */
  engine?: RunEngine;
  nextRunAt: NextRunAtFn;
  /** A job not touched for this long is taken over by another worker (default 60 s). */
  lockLifetimeMs?: number;
  /** Polling interval (default 5 s); PostgreSQL wakes workers at once with NOTIFY besides. */
  processEveryMs?: number;
  /** How soon a job that found its sync busy (a run of it executing elsewhere) tries again (default 5 s). */
  busyRetryMs?: number;
  /** Shown as Agenda's `lastModifiedBy`. */
  name?: string;
  now?: () => Date;
  /**
   * Set: this process also sends webhooks (job `webhook.deliver`, not per connector: every worker defines it).
   * Without it the scheduler only enqueues them.
   */
  webhookDelivery?: WebhookDelivery;
  /** Webhook attempts at the same time in this process, on top of `concurrency` (default 4). */
  webhookConcurrency?: number;
  /** Set: this process also runs the daily retention job (`run-records.prune`), which calls it. */
  pruneRunRecords?: () => Promise<{ runs: number; records: number }>;
}

export interface JobScheduler extends JobQueue {
  /** The connector ids this process takes jobs of (empty when it only enqueues). */
  readonly runs: readonly string[];
  /** Connects (checking the store first), creates the store's schema once, and starts taking jobs if it runs any. */
  start(): Promise<void>;
  /** Stops at once: running pages are told to stop, their jobs unlocked for another worker. */
  stop(): Promise<void>;
  /** Graceful: takes no new job, lets running runs finish their page and save their checkpoint, then closes. */
  drain(timeoutMs: number): Promise<DrainResult>;
}

interface Started {
  agenda: Agenda;
  store: JobStore;
  database: DatabaseHandle;
  outbox?: OutboxDispatcher;
}

/**
 * The process's Agenda: the enqueue side (`createJobQueue`) always, the job handlers (`createJobHandlers`) when it
 * has an engine. One job store per process; the database pool is the runtime's when given.
 */
export function createJobScheduler(options: JobSchedulerOptions): JobScheduler {
  const logger = options.logger;
  const now = options.now ?? (() => new Date());
  const lockLifetimeMs = options.lockLifetimeMs ?? 60_000;
  const runs = options.engine ? (options.connectors ?? options.knownConnectors ?? []) : [];
  if (options.engine && runs.length === 0) {
    throw new Error('createJobScheduler: no connector to run (pass connectors or knownConnectors)');
  }
  const shutdown = new AbortController();
  const webhookConcurrency = options.webhookDelivery ? (options.webhookConcurrency ?? 4) : 0;

  let state: Started | undefined;
  let starting: Promise<void> | undefined;
  let closed = false;

  function started(): Started {
    if (!state) throw new Error('The job scheduler is not started: call start() first');
    return state;
  }

  const queue = createJobQueue({
    agenda: () => started().agenda,
    db: () => started().database.db,
    nextRunAt: options.nextRunAt,
    now,
  });
  const handlers = options.engine
    ? createJobHandlers({
        database: () => started().database,
        engine: options.engine,
        logger,
        nextRunAt: options.nextRunAt,
        now,
        shutdown: shutdown.signal,
        lockLifetimeMs,
        busyRetryMs: options.busyRetryMs ?? 5_000,
      })
    : undefined;

  function defineJobs(agenda: Agenda): void {
    for (const connectorId of handlers ? runs : []) {
      agenda.define<JobData>(jobName(connectorId), (job) => handlers?.handleJob(job), {
        concurrency: options.concurrency,
        lockLimit: options.concurrency,
        lockLifetime: lockLifetimeMs,
        removeOnComplete: true,
        // Only for unexpected errors of a one-off job (a failed run is recorded on the run, not thrown).
        backoff: exponential({ delay: 10_000, maxRetries: 3 }),
      });
    }
    if (options.webhookDelivery) {
      agenda.define<WebhookJobData>(WEBHOOK_JOB, createWebhookJobHandler(options.webhookDelivery, logger), {
        concurrency: webhookConcurrency,
        lockLimit: webhookConcurrency,
        lockLifetime: lockLifetimeMs,
        removeOnComplete: true,
      });
    }
    const prune = options.pruneRunRecords;
    if (prune) {
      agenda.define(
        RETENTION_JOB,
        async () => {
          const pruned = await prune();
          if (pruned.runs > 0) logger.info(pruned, 'run records past their retention pruned');
        },
        { concurrency: 1, lockLimit: 1, lockLifetime: lockLifetimeMs, removeOnComplete: false },
      );
    }
  }

  async function open(): Promise<void> {
    // One session per running job holds its sync's advisory lock, plus a few for lookups.
    const database =
      options.database ??
      createDatabase(options.databaseUrl, {
        max: options.concurrency + 3,
        applicationName: 'leadsync-worker',
      });
    const ownsDatabase = !options.database;
    let store: JobStore | undefined;
    try {
      await database.sql`SELECT 1`;
      store = await openJobStore({
        databaseUrl: options.databaseUrl,
        mongodbUrl: options.mongodbUrl,
        poolSize: options.concurrency + 4,
        onBackgroundError: (error) =>
          logger.warn({ err: error }, 'job store notification channel: reconnecting'),
      });
      await store.ensureSchema();
      const agenda = new Agenda({
        name: options.name ?? `leadsync-worker@${hostname()}:${process.pid}`,
        backend: store.backend,
        processEvery: options.processEveryMs ?? 5_000,
        // Webhook attempts get slots of their own, so long runs never hold them up.
        maxConcurrency: options.concurrency + webhookConcurrency,
        defaultConcurrency: options.concurrency,
        lockLimit: options.concurrency + webhookConcurrency,
        defaultLockLimit: options.concurrency,
        defaultLockLifetime: lockLifetimeMs,
        removeOnComplete: true,
      });
      agenda.on('error', (error: Error) => logger.error({ err: error }, 'job store error'));
      await agenda.ready;
      defineJobs(agenda);
      // Started before anything is enqueued, so that PostgreSQL's NOTIFY wakes the workers at once.
      await agenda.start();
      if (options.pruneRunRecords) await agenda.every('1 day', RETENTION_JOB);
      const closeDatabase = ownsDatabase ? () => database.close() : async () => {};
      state = { agenda, store, database: { ...database, close: closeDatabase } };
      if (options.webhookDelivery) {
        await requeuePendingDeliveries();
        // The outbox: deliveries written with their event by any process (the CLI too) get their jobs.
        state.outbox = startOutboxDispatcher({
          db: database.db,
          enqueue: queue.enqueueWebhookDelivery,
          logger,
          everyMs: options.processEveryMs ?? 5_000,
        });
      }
      logger.info({ store: store.kind, runs, concurrency: options.concurrency }, 'job scheduler started');
    } catch (error) {
      await store?.close().catch(() => {});
      if (ownsDatabase) await database.close().catch(() => {});
      throw error;
    }
  }

  async function start(): Promise<void> {
    if (state) return;
    starting ??= open();
    try {
      await starting;
    } finally {
      starting = undefined;
    }
  }

  async function close(stopAgenda: (agenda: Agenda) => Promise<DrainResult | undefined>) {
    if (closed || !state) return undefined;
    closed = true;
    shutdown.abort(new Error('the worker is shutting down'));
    const { agenda, store, database, outbox } = state;
    await outbox?.stop();
    const result = await stopAgenda(agenda);
    await store
      .close()
      .catch((error: unknown) => logger.warn({ err: error }, 'closing the job store failed'));
    await database
      .close()
      .catch((error: unknown) => logger.warn({ err: error }, 'closing the database failed'));
    return result;
  }

  /**
   * Gives a job to every pending delivery (idempotent: a delivery's job is unique), so that deliveries whose job was
   * never created (the job store unreachable right after the event) are sent once a worker starts.
   */
  async function requeuePendingDeliveries(): Promise<void> {
    try {
      const pending = await findPendingWebhookDeliveries(started().database.db);
      for (const delivery of pending)
        await queue.enqueueWebhookDelivery(delivery.organizationId, delivery.id);
      if (pending.length > 0)
        logger.info({ deliveries: pending.length }, 'pending webhook deliveries re-queued');
    } catch (error) {
      logger.warn({ err: error }, 'could not re-queue pending webhook deliveries');
    }
  }

  return {
    runs,
    start,
    stop: async () => {
      await close(async (agenda) => {
        await agenda.stop(false);
        return undefined;
      });
    },
    drain: async (timeoutMs) =>
      (await close((agenda) => agenda.drain({ timeout: timeoutMs, closeConnection: false }))) ?? {
        completed: 0,
        running: 0,
        timedOut: false,
        aborted: false,
      },
    ...queue,
  };
}
