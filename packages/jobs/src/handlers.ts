import type { Logger } from '@leadsync/connector-sdk';
import {
  type DatabaseHandle,
  runLockKey,
  SyncRepository,
  SyncRunRepository,
  syncLockKey,
  withSessionLock,
} from '@leadsync/db';
import type { SyncRun } from '@leadsync/db/schema';
import type { Job } from 'agenda';
import {
  type JobData,
  jobDataSchema,
  type RunJobData,
  type ScheduleJobData,
  type WebhookJobData,
  webhookJobDataSchema,
} from './jobs.ts';
import type { NextRunAtFn } from './queue.ts';

/** What the worker needs from `@leadsync/engine`'s `Engine`. */
export type RunEngine = {
  queueRun(
    organizationId: string,
    syncId: string,
    options: { trigger: 'manual' | 'schedule' | 'preview'; dryRun?: boolean },
  ): Promise<SyncRun>;
  executeRun(
    runId: string,
    options?: { signal?: AbortSignal; heartbeat?: () => Promise<void> },
  ): Promise<SyncRun>;
};

/** Sends one webhook delivery attempt; resolves to when the job is due again (a retry), or nothing (done). */
export type WebhookDelivery = (job: WebhookJobData) => Promise<Date | undefined | null>;

export interface JobHandlerDeps {
  database: () => DatabaseHandle;
  engine: RunEngine;
  logger: Logger;
  nextRunAt: NextRunAtFn;
  now: () => Date;
  /** Aborted when the process shuts down: running pages stop and their jobs are left due. */
  shutdown: AbortSignal;
  lockLifetimeMs: number;
  busyRetryMs: number;
}

const ACTIVE_RUN_STATUSES = ['queued', 'running', 'waiting'] as const;

/** The outcome of executing a run under its sync's lock. `waitUntil`: the run waits for the source's quota. */
type Execution = 'finished' | 'interrupted' | 'busy' | { waitUntil: Date };

/** The handler of a connector's jobs: a sync's schedule, or a queued run. */
export function createJobHandlers(deps: JobHandlerDeps) {
  const { logger, now, shutdown, engine } = deps;

  async function handleJob(job: Job<JobData>): Promise<void> {
    const parsed = jobDataSchema.safeParse(job.attrs.data);
    if (!parsed.success) {
      await removeUnreadable(job, logger);
      return;
    }
    if (parsed.data.kind === 'schedule') await runScheduled(job, parsed.data);
    else await runQueued(job, parsed.data);
  }

  /** The recurring job of a sync: queue (or resume) its run, execute it, then book the next due time. */
  async function runScheduled(job: Job<JobData>, data: ScheduleJobData): Promise<void> {
    const log = { syncId: data.syncId, jobId: String(job.attrs._id) };
    const syncs = new SyncRepository(deps.database().db, data.organizationId);
    const sync = await syncs.get(data.syncId);
    if (sync?.status !== 'active') {
      logger.info(log, 'schedule job of a sync that is no longer active removed');
      await job.remove();
      return;
    }
    let execution: Execution = 'finished';
    try {
      execution = await withLock(syncLockKey(data.syncId), async () => {
        // A run left `running` by a killed worker is resumed from its checkpoint rather than queued anew.
        const run = (await runs(data).activeRealRun(data.syncId)) ?? (await queueScheduledRun(data));
        logger.info({ ...log, runId: run.id }, 'scheduled run starting');
        return execute(job, run.id);
      });
    } catch (error) {
      // The run records its own failure; the schedule goes on.
      logger.error({ ...log, err: error }, 'scheduled run ended with an error');
    }
    if (execution === 'busy') {
      logger.info(log, 'sync busy (a run of it executes elsewhere): retrying shortly');
      job.attrs.nextRunAt = new Date(now().getTime() + deps.busyRetryMs);
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
      await syncs.setNextRunAt(data.syncId, execution.waitUntil);
      return;
    }
    await bookNextRun(job, data);
  }

  /** A one-off job: execute that queued run (or resume it), once. */
  async function runQueued(job: Job<JobData>, data: RunJobData): Promise<void> {
    const log = { syncId: data.syncId, runId: data.runId, jobId: String(job.attrs._id) };
    const run = await runs(data).get(data.runId);
    if (!run || !isActive(run.status)) {
      logger.debug(log, 'run already finished or gone: nothing to do');
      return;
    }
    // Real runs of one sync never overlap; previews write nothing and only exclude themselves.
    const key = run.dryRun ? runLockKey(run.id) : syncLockKey(run.syncId);
    let execution: Execution;
    try {
      execution = await withLock(key, async () => {
        const current = await runs(data).get(data.runId);
        if (!current || !isActive(current.status)) return 'finished';
        logger.info(log, 'run starting');
        return execute(job, data.runId);
      });
    } catch (error) {
      if (shutdown.aborted) {
        job.attrs.nextRunAt = now();
        return;
      }
      throw error;
    }
    if (execution === 'busy') job.attrs.nextRunAt = new Date(now().getTime() + deps.busyRetryMs);
    if (execution === 'interrupted') job.attrs.nextRunAt = now();
    if (typeof execution === 'object') job.attrs.nextRunAt = execution.waitUntil;
  }

  /** Runs `executeRun` with a heartbeat that keeps the Agenda lock and a signal that stops it between pages. */
  async function execute(job: Job<JobData>, runId: string): Promise<Execution> {
    const canceled = new AbortController();
    const signal = AbortSignal.any([shutdown, canceled.signal]);
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
    const timer = setInterval(() => void heartbeat(), Math.max(1_000, Math.floor(deps.lockLifetimeMs / 3)));
    try {
      const result = await engine.executeRun(runId, { signal, heartbeat });
      const log = { runId, syncId: result.syncId };
      if (result.status === 'waiting') {
        const waitUntil = result.waitingUntil ?? new Date(now().getTime() + 60_000);
        logger.info(
          { ...log, waitingUntil: waitUntil.toISOString(), reason: result.waitingReason },
          'run waiting for the source quota',
        );
        return { waitUntil };
      }
      if (isActive(result.status)) {
        logger.info({ ...log, processed: result.processedCount }, 'run stopped between pages');
        return 'interrupted';
      }
      logger.info(
        { ...log, status: result.status, total: result.total, error: result.error ?? undefined },
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

  /** "One run at a time per sync" across workers and job kinds: the sync's session lock (`withSessionLock`). */
  async function withLock(key: string, body: () => Promise<Execution>): Promise<Execution> {
    const held = await withSessionLock(deps.database().sql, key, body);
    return held.locked ? held.value : 'busy';
  }

  function runs(data: { organizationId: string }) {
    return new SyncRunRepository(deps.database().db, data.organizationId);
  }

  async function queueScheduledRun(data: ScheduleJobData): Promise<SyncRun> {
    try {
      return await engine.queueRun(data.organizationId, data.syncId, { trigger: 'schedule' });
    } catch (error) {
      // An engine that refuses a second active run instead of returning it: take the active one.
      const existing = await runs(data).activeRealRun(data.syncId);
      if (existing) return existing;
      throw error;
    }
  }

  /** After a scheduled run: the next due time from the sync as it is now (its schedule may have been edited). */
  async function bookNextRun(job: Job<JobData>, data: ScheduleJobData): Promise<void> {
    const syncs = new SyncRepository(deps.database().db, data.organizationId);
    const sync = await syncs.get(data.syncId);
    if (sync?.status !== 'active') {
      await job.remove();
      await syncs.setNextRunAt(data.syncId, null);
      return;
    }
    let next: Date | null = null;
    try {
      // A run has just happened: a ONCE schedule is done.
      next = deps.nextRunAt(sync.schedule, now(), { lastRunAt: now() });
    } catch (error) {
      logger.error(
        { syncId: data.syncId, err: error },
        'the sync has an invalid schedule: it is not scheduled again',
      );
    }
    // Agenda saves this when the handler returns; null (a ONCE sync that ran) completes and removes the job.
    job.attrs.nextRunAt = next;
    await syncs.setNextRunAt(data.syncId, next);
    logger.info({ syncId: data.syncId, nextRunAt: next?.toISOString() ?? null }, 'next run booked');
  }

  return { handleJob };
}

/** A job whose data fails its schema (written by another version, or by hand) is logged and removed. */
async function removeUnreadable(job: Job<unknown>, logger: Logger): Promise<void> {
  logger.error(
    { jobId: String(job.attrs._id), job: job.attrs.name, data: job.attrs.data },
    'job with unreadable data removed',
  );
  await job.remove();
}

function isActive(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
}

/**
 * One attempt of a webhook delivery. The attempt itself is claimed in the database, so it is sent once even when
 * two processes hold the job (a lock taken over after expiry); a failed attempt leaves the job due at the retry time.
 */
export function createWebhookJobHandler(deliver: WebhookDelivery, logger: Logger) {
  return async (job: Job<WebhookJobData>): Promise<void> => {
    const parsed = webhookJobDataSchema.safeParse(job.attrs.data);
    if (!parsed.success) {
      await removeUnreadable(job, logger);
      return;
    }
    const next = await deliver(parsed.data);
    if (next) job.attrs.nextRunAt = next;
  };
}
