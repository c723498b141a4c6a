import { hostname } from 'node:os';
import type { Logger } from '@leadsync/connector-sdk';
import { createDatabase, type DatabaseHandle, findPendingWebhookDeliveries } from '@leadsync/db';
import {
  connections,
  type Sync,
  type SyncRun,
  type SyncSchedule,
  syncRuns,
  syncs,
} from '@leadsync/db/schema';
import { Agenda, type DrainResult, exponential, type Job } from 'agenda';
import { and, eq, inArray, max, not } from 'drizzle-orm';
import { type JobStore, openJobStore } from './job-store.ts';
import {
  type JobData,
  jobDataSchema,
  jobName,
  RETENTION_JOB,
  type RunJobData,
  type ScheduleJobData,
  WEBHOOK_JOB,
  type WebhookJobData,
  webhookJobDataSchema,
} from './jobs.ts';
import type { WebhookDeliverer } from './webhooks/deliver.ts';
import { type OutboxDispatcher, startOutboxDispatcher } from './webhooks/outbox.ts';

/** What the worker needs from `@leadsync/engine`'s `Engine` (helper-interfaces.md). */
export interface RunEngine {
  queueRun(
    organizationId: string,
    syncId: string,
    options: { trigger: 'manual' | 'schedule' | 'preview'; dryRun?: boolean },
  ): Promise<SyncRun>;
  executeRun(
    runId: string,
    options?: { signal?: AbortSignal; heartbeat?: () => Promise<void> },
  ): Promise<SyncRun>;
}

/**
 * `@leadsync/core`'s `nextRunAt`: the first due time strictly after `after` in the schedule's zone, or null when
 * there is none (a ONCE schedule that has run: `lastRunAt`). Throws for an invalid schedule.
 */
export type NextRunAtFn = (
  schedule: SyncSchedule,
  after: Date,
  options?: { lastRunAt?: Date | null },
) => Date | null;

export interface JobSchedulerOptions {
  databaseUrl: string;
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
  webhookDelivery?: WebhookDeliverer;
  /** Webhook attempts at the same time in this process, on top of `concurrency` (default 4). */
  webhookConcurrency?: number;
  /** Set: this process also runs the daily retention job (`run-records.prune`), which calls it. */
  pruneRunRecords?: () => Promise<{ runs: number; records: number }>;
}

export interface JobScheduler {
  /** The connector ids this process takes jobs of (empty when it only enqueues). */
  readonly runs: readonly string[];
  /** Connects (checking the store first), creates the store's schema once, and starts taking jobs if it runs any. */
  start(): Promise<void>;
  /** Stops at once: running pages are told to stop, their jobs unlocked for another worker. */
  stop(): Promise<void>;
  /** Graceful: takes no new job, lets running runs finish their page and save their checkpoint, then closes. */
  drain(timeoutMs: number): Promise<DrainResult>;
  /** Keeps the one job of the sync in step with it; returns the next run time stored on the sync (null: none). */
  scheduleSync(sync: Sync): Promise<Date | null>;
  /** Removes the sync's schedule job (deactivation, deletion) and clears its `next_run_at`. */
  unscheduleSync(syncId: string): Promise<void>;
  /** A one-off job that executes this queued run now (run now, preview). */
  enqueueRun(run: SyncRun, connectorId: string): Promise<void>;
  /** The job that sends one webhook delivery (and reschedules itself until delivered or given up); one per delivery. */
  enqueueWebhookDelivery(organizationId: string, deliveryId: string): Promise<void>;
}

const ACTIVE_RUN_STATUSES = ['queued', 'running', 'waiting'] as const;

/** The outcome of executing a run under its sync's lock. */
/** `waitUntil`: the run waits for the source's quota; its job is due again then. */
type Execution = 'finished' | 'interrupted' | 'busy' | { waitUntil: Date };

export function createJobScheduler(options: JobSchedulerOptions): JobScheduler {
  const logger = options.logger;
  const now = options.now ?? (() => new Date());
  const lockLifetimeMs = options.lockLifetimeMs ?? 60_000;
  const busyRetryMs = options.busyRetryMs ?? 5_000;
  const runs = options.engine ? (options.connectors ?? options.knownConnectors ?? []) : [];
  if (options.engine && runs.length === 0) {
    throw new Error('createJobScheduler: no connector to run (pass connectors or knownConnectors)');
  }
  const shutdown = new AbortController();
  const webhookConcurrency = options.webhookDelivery ? (options.webhookConcurrency ?? 4) : 0;

  let state:
    | { agenda: Agenda; store: JobStore; database: DatabaseHandle; outbox?: OutboxDispatcher }
    | undefined;
  let starting: Promise<void> | undefined;
  let closed = false;

  function started() {
    if (!state) throw new Error('The job scheduler is not started: call start() first');
    return state;
  }

  async function start(): Promise<void> {
    if (state) return;
    starting ??= (async () => {
      // One session per running job holds its sync's advisory lock, plus a few for lookups.
      const database = createDatabase(options.databaseUrl, {
        max: options.concurrency + 3,
        applicationName: 'leadsync-worker',
      });
      let store: JobStore | undefined;
      try {
        await database.sql`SELECT 1`;
        store = await openJobStore({
          databaseUrl: options.databaseUrl,
          mongodbUrl: options.mongodbUrl,
          poolSize: options.concurrency + 4,
          onBackgroundError: (error) =>
            options.logger.warn({ err: error }, 'job store notification channel: reconnecting'),
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
        for (const connectorId of runs) {
          agenda.define<JobData>(jobName(connectorId), (job) => handleJob(job), {
            concurrency: options.concurrency,
            lockLimit: options.concurrency,
            lockLifetime: lockLifetimeMs,
            removeOnComplete: true,
            // Only for unexpected errors of a one-off job (a failed run is recorded on the run, not thrown).
            backoff: exponential({ delay: 10_000, maxRetries: 3 }),
          });
        }
        if (options.webhookDelivery) {
          agenda.define<WebhookJobData>(WEBHOOK_JOB, (job) => handleWebhookJob(job), {
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
        // Started before anything is enqueued, so that PostgreSQL's NOTIFY wakes the workers at once.
        await agenda.start();
        if (prune) await agenda.every('1 day', RETENTION_JOB);
        state = { agenda, store, database };
        if (options.webhookDelivery) {
          await requeuePendingDeliveries();
          // The outbox: deliveries written with their event by any process (the CLI too) get their jobs.
          state.outbox = startOutboxDispatcher({
            db: database.db,
            enqueue: enqueueWebhookDelivery,
            logger,
            everyMs: options.processEveryMs ?? 5_000,
          });
        }
        logger.info({ store: store.kind, runs, concurrency: options.concurrency }, 'job scheduler started');
      } catch (error) {
        await store?.close().catch(() => {});
        await database.close().catch(() => {});
        throw error;
      }
    })();
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

  // ---------------------------------------------------------------- running jobs

  async function handleJob(job: Job<JobData>): Promise<void> {
    const parsed = jobDataSchema.safeParse(job.attrs.data);
    if (!parsed.success) {
      logger.error(
        { jobId: String(job.attrs._id), data: job.attrs.data },
        'job with unreadable data removed',
      );
      await job.remove();
      return;
    }
    if (parsed.data.kind === 'schedule') await runScheduled(job, parsed.data);
    else await runQueued(job, parsed.data);
  }

  /**
   * One attempt of a webhook delivery. The attempt itself is claimed in the database, so it is sent once even when
   * two processes hold the job (a lock taken over after expiry); a failed attempt leaves the job due at the retry time.
   */
  async function handleWebhookJob(job: Job<WebhookJobData>): Promise<void> {
    const deliver = options.webhookDelivery;
    const parsed = webhookJobDataSchema.safeParse(job.attrs.data);
    if (!deliver || !parsed.success) {
      logger.error(
        { jobId: String(job.attrs._id), data: job.attrs.data },
        'webhook job with unreadable data removed',
      );
      await job.remove();
      return;
    }
    const next = await deliver(parsed.data);
    if (next) job.attrs.nextRunAt = next;
  }

  /** The recurring job of a sync: queue (or resume) its run, execute it, then book the next due time. */
  async function runScheduled(job: Job<JobData>, data: ScheduleJobData): Promise<void> {
    const log = { syncId: data.syncId, jobId: String(job.attrs._id) };
    const sync = await loadSync(data.syncId);
    if (sync?.status !== 'active') {
      logger.info(log, 'schedule job of a sync that is no longer active removed');
      await job.remove();
      return;
    }
    let execution: Execution = 'finished';
    try {
      execution = await withSyncLock(`sync:${data.syncId}`, async () => {
        // A run left `running` by a killed worker is resumed from its checkpoint rather than queued anew.
        const run = (await activeRun(data.syncId)) ?? (await queueScheduledRun(data));
        logger.info({ ...log, runId: run.id }, 'scheduled run starting');
        return execute(job, run.id);
      });
    } catch (error) {
      // The run records its own failure; the schedule goes on.
      logger.error({ ...log, err: error }, 'scheduled run ended with an error');
    }
    if (execution === 'busy') {
      logger.info(log, 'sync busy (a run of it executes elsewhere): retrying shortly');
      job.attrs.nextRunAt = new Date(now().getTime() + busyRetryMs);
      return;
    }
    if (execution === 'interrupted') {
      // Stopped between pages by a shutdown: left due so that another worker resumes it at once.
      job.attrs.nextRunAt = now();
      return;
    }
    if (typeof execution === 'object') {
      // Waiting for the source's quota: the schedule's job resumes the same run when it resets.
      job.attrs.nextRunAt = execution.waitUntil;
      await storeNextRunAt(data.syncId, execution.waitUntil);
      return;
    }
    await bookNextRun(job, data.syncId);
  }

  /** A one-off job: execute that queued run (or resume it), once. */
  async function runQueued(job: Job<JobData>, data: RunJobData): Promise<void> {
    const log = { syncId: data.syncId, runId: data.runId, jobId: String(job.attrs._id) };
    const run = await loadRun(data.runId);
    if (!run || !isActive(run.status)) {
      logger.debug(log, 'run already finished or gone: nothing to do');
      return;
    }
    // Real runs of one sync never overlap; previews write nothing and only exclude themselves.
    const key = run.dryRun ? `run:${run.id}` : `sync:${run.syncId}`;
    let execution: Execution;
    try {
      execution = await withSyncLock(key, async () => {
        const current = await loadRun(data.runId);
        if (!current || !isActive(current.status)) return 'finished';
        logger.info(log, 'run starting');
        return execute(job, data.runId);
      });
    } catch (error) {
      if (shutdown.signal.aborted) {
        job.attrs.nextRunAt = now();
        return;
      }
      throw error;
    }
    if (execution === 'busy') job.attrs.nextRunAt = new Date(now().getTime() + busyRetryMs);
    if (execution === 'interrupted') job.attrs.nextRunAt = now();
    if (typeof execution === 'object') job.attrs.nextRunAt = execution.waitUntil;
  }

  /** Runs `executeRun` with a heartbeat that keeps the Agenda lock and a signal that stops it between pages. */
  async function execute(job: Job<JobData>, runId: string): Promise<Execution> {
    const engine = options.engine;
    if (!engine) throw new Error('no engine: this scheduler does not run jobs');
    const canceled = new AbortController();
    const signal = AbortSignal.any([shutdown.signal, canceled.signal]);
    let touching: Promise<void> | undefined;
    const heartbeat = async () => {
      if (job.getCanceledMessage()) {
        // Agenda gave the job up (its lock expired): stop after this page.
        canceled.abort(new Error('the job lock was lost'));
        return;
      }
      touching ??= job
        .touch()
        .catch((error: unknown) => {
          logger.warn({ runId, err: error }, 'could not renew the job lock: stopping after this page');
          canceled.abort(error);
        })
        .finally(() => {
          touching = undefined;
        });
      await touching;
    };
    // Pages can be slow (a rate-limited source): the lock is renewed on a timer too, not only per page.
    const timer = setInterval(() => void heartbeat(), Math.max(1_000, Math.floor(lockLifetimeMs / 3)));
    try {
      const result = await engine.executeRun(runId, { signal, heartbeat });
      if (result.status === 'waiting') {
        const waitUntil = result.waitingUntil ?? new Date(now().getTime() + 60_000);
        logger.info(
          {
            runId,
            syncId: result.syncId,
            waitingUntil: waitUntil.toISOString(),
            reason: result.waitingReason,
          },
          'run waiting for the source quota',
        );
        return { waitUntil };
      }
      if (isActive(result.status)) {
        logger.info(
          { runId, syncId: result.syncId, processed: result.processedCount },
          'run stopped between pages',
        );
        return 'interrupted';
      }
      logger.info(
        {
          runId,
          syncId: result.syncId,
          status: result.status,
          total: result.total,
          error: result.error ?? undefined,
        },
        'run finished',
      );
      return 'finished';
    } catch (error) {
      if (signal.aborted) return 'interrupted';
      throw error;
    } finally {
      clearInterval(timer);
      await touching;
    }
  }

  /**
   * Holds a PostgreSQL session advisory lock while `body` runs. It is what makes "one run at a time per sync" hold
   * across workers and job kinds; a killed worker's session ends and releases it with the process.
   */
  async function withSyncLock(key: string, body: () => Promise<Execution>): Promise<Execution> {
    const { database } = started();
    const session = await database.sql.reserve();
    try {
      const [row] = await session<{ locked: boolean }[]>`
        SELECT pg_try_advisory_lock(hashtextextended(${`leadsync.${key}`}, 0)) AS locked`;
      if (!row?.locked) return 'busy';
      try {
        return await body();
      } finally {
        // A failed unlock means the session is gone, and the lock with it.
        await session`SELECT pg_advisory_unlock(hashtextextended(${`leadsync.${key}`}, 0))`.catch(() => {});
      }
    } finally {
      session.release();
    }
  }

  async function queueScheduledRun(data: ScheduleJobData): Promise<SyncRun> {
    const engine = options.engine;
    if (!engine) throw new Error('no engine: this scheduler does not run jobs');
    try {
      return await engine.queueRun(data.organizationId, data.syncId, { trigger: 'schedule' });
    } catch (error) {
      // An engine that refuses a second active run instead of returning it: take the active one.
      const existing = await activeRun(data.syncId);
      if (existing) return existing;
      throw error;
    }
  }

  /** After a scheduled run: the next due time from the sync as it is now (its schedule may have been edited). */
  async function bookNextRun(job: Job<JobData>, syncId: string): Promise<void> {
    const sync = await loadSync(syncId);
    if (sync?.status !== 'active') {
      await job.remove();
      await storeNextRunAt(syncId, null);
      return;
    }
    let next: Date | null = null;
    try {
      // A run has just happened: a ONCE schedule is done.
      next = options.nextRunAt(sync.schedule, now(), { lastRunAt: now() });
    } catch (error) {
      logger.error({ syncId, err: error }, 'the sync has an invalid schedule: it is not scheduled again');
    }
    // Agenda saves this when the handler returns; null (a ONCE sync that ran) completes and removes the job.
    job.attrs.nextRunAt = next;
    await storeNextRunAt(syncId, next);
    logger.info({ syncId, nextRunAt: next?.toISOString() ?? null }, 'next run booked');
  }

  // ---------------------------------------------------------------- database

  async function loadSync(syncId: string): Promise<(Sync & { connectorId: string }) | undefined> {
    const { database } = started();
    const [row] = await database.db
      .select({ sync: syncs, connectorId: connections.connectorId })
      .from(syncs)
      .innerJoin(
        connections,
        and(eq(connections.organizationId, syncs.organizationId), eq(connections.id, syncs.connectionId)),
      )
      .where(eq(syncs.id, syncId))
      .limit(1);
    return row ? { ...row.sync, connectorId: row.connectorId } : undefined;
  }

  async function loadRun(runId: string) {
    const { database } = started();
    const [row] = await database.db
      .select({ id: syncRuns.id, syncId: syncRuns.syncId, status: syncRuns.status, dryRun: syncRuns.dryRun })
      .from(syncRuns)
      .where(eq(syncRuns.id, runId))
      .limit(1);
    return row;
  }

  async function activeRun(syncId: string): Promise<SyncRun | undefined> {
    const { database } = started();
    const [row] = await database.db
      .select()
      .from(syncRuns)
      .where(
        and(
          eq(syncRuns.syncId, syncId),
          inArray(syncRuns.status, [...ACTIVE_RUN_STATUSES]),
          not(syncRuns.dryRun),
        ),
      )
      .limit(1);
    return row;
  }

  /** When the schedule last queued a run of the sync (a ONCE schedule runs only once). */
  async function lastScheduledRunAt(syncId: string): Promise<Date | null> {
    const { database } = started();
    const [row] = await database.db
      .select({ at: max(syncRuns.createdAt) })
      .from(syncRuns)
      .where(and(eq(syncRuns.syncId, syncId), eq(syncRuns.trigger, 'schedule'), not(syncRuns.dryRun)));
    return row?.at ?? null;
  }

  async function storeNextRunAt(syncId: string, next: Date | null) {
    const { database } = started();
    await database.db.update(syncs).set({ nextRunAt: next }).where(eq(syncs.id, syncId));
  }

  // ---------------------------------------------------------------- enqueueing

  async function scheduleSync(sync: Sync): Promise<Date | null> {
    const { agenda, database } = started();
    const next =
      sync.status === 'active'
        ? options.nextRunAt(sync.schedule, now(), { lastRunAt: await lastScheduledRunAt(sync.id) })
        : null;
    if (!next) {
      await unscheduleSync(sync.id);
      return null;
    }
    const [connection] = await database.db
      .select({ connectorId: connections.connectorId })
      .from(connections)
      .where(and(eq(connections.organizationId, sync.organizationId), eq(connections.id, sync.connectionId)))
      .limit(1);
    if (!connection) throw new Error(`The connection of sync ${sync.id} does not exist`);
    const data: ScheduleJobData = { kind: 'schedule', organizationId: sync.organizationId, syncId: sync.id };
    const save = () =>
      agenda
        .create<JobData>(jobName(connection.connectorId), data)
        .unique({ 'data.kind': 'schedule', 'data.syncId': sync.id })
        .schedule(next)
        .save();
    try {
      await save();
    } catch (error) {
      // Two processes scheduling the same new sync at once: the loser's insert hits the one-per-sync index; its
      // second attempt finds the job and updates it.
      if (!isUniqueViolation(error)) throw error;
      await save();
    }
    await storeNextRunAt(sync.id, next);
    return next;
  }

  async function unscheduleSync(syncId: string): Promise<void> {
    const { agenda } = started();
    await agenda.cancel({ data: { kind: 'schedule', syncId } });
    await storeNextRunAt(syncId, null);
  }

  async function enqueueRun(run: SyncRun, connectorId: string): Promise<void> {
    const { agenda } = started();
    const data: RunJobData = {
      kind: 'run',
      organizationId: run.organizationId,
      syncId: run.syncId,
      runId: run.id,
    };
    await agenda
      .create<JobData>(jobName(connectorId), data)
      .unique({ 'data.runId': run.id }, { insertOnly: true })
      .schedule(now())
      .save();
  }

  /**
   * Gives a job to every pending delivery (idempotent: a delivery's job is unique), so that deliveries whose job was
   * never created (the job store unreachable right after the event) are sent once a worker starts.
   */
  async function requeuePendingDeliveries(): Promise<void> {
    try {
      const pending = await findPendingWebhookDeliveries(started().database.db);
      for (const delivery of pending) await enqueueWebhookDelivery(delivery.organizationId, delivery.id);
      if (pending.length > 0)
        logger.info({ deliveries: pending.length }, 'pending webhook deliveries re-queued');
    } catch (error) {
      logger.warn({ err: error }, 'could not re-queue pending webhook deliveries');
    }
  }

  async function enqueueWebhookDelivery(organizationId: string, deliveryId: string): Promise<void> {
    const { agenda } = started();
    const data: WebhookJobData = { kind: 'webhook', organizationId, deliveryId };
    await agenda
      .create<WebhookJobData>(WEBHOOK_JOB, data)
      .unique({ 'data.deliveryId': deliveryId }, { insertOnly: true })
      .schedule(now())
      .save();
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
    scheduleSync,
    unscheduleSync,
    enqueueRun,
    enqueueWebhookDelivery,
  };
}

function isActive(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === 11000;
}
