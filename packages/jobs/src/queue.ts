import type { Database } from '@leadsync/db';
import { ConnectionRepository, isUniqueViolation, SyncRepository, SyncRunRepository } from '@leadsync/db';
import type { Sync, SyncRun, SyncSchedule } from '@leadsync/db/schema';
import type { Agenda } from 'agenda';
import {
  type JobData,
  jobName,
  type RunJobData,
  type ScheduleJobData,
  WEBHOOK_JOB,
  type WebhookJobData,
} from './jobs.ts';

/**
 * `@leadsync/core`'s `nextRunAt`: the first due time strictly after `after` in the schedule's zone, or null when
 * there is none (a ONCE schedule that has run: `lastRunAt`). Throws for an invalid schedule.
 */
export type NextRunAtFn = (
  schedule: SyncSchedule,
  after: Date,
  options?: { lastRunAt?: Date | null },
) => Date | null;

/** The enqueue side of the job store: what the API and the engine's webhook events use. */
export interface JobQueue {
  /** Keeps the one job of the sync in step with it; returns the next run time stored on the sync (null: none). */
  scheduleSync(sync: Sync): Promise<Date | null>;
  /** Removes the sync's schedule job (deactivation, deletion) and clears its `next_run_at`. */
  unscheduleSync(organizationId: string, syncId: string): Promise<void>;
  /** A one-off job that executes this queued run now (run now, preview). */
  enqueueRun(run: SyncRun, connectorId: string): Promise<void>;
  /** The job that sends one webhook delivery (and reschedules itself until delivered or given up); one per delivery. */
  enqueueWebhookDelivery(organizationId: string, deliveryId: string): Promise<void>;
}

export interface JobQueueDeps {
  /** The started Agenda of this process (`createJobScheduler` starts it). */
  agenda: () => Agenda;
  db: () => Database;
  nextRunAt: NextRunAtFn;
  now: () => Date;
}

export function createJobQueue(deps: JobQueueDeps): JobQueue {
  const { now } = deps;

  async function scheduleSync(sync: Sync): Promise<Date | null> {
    const db = deps.db();
    const next =
      sync.status === 'active'
        ? deps.nextRunAt(sync.schedule, now(), {
            lastRunAt: await new SyncRunRepository(db, sync.organizationId).lastScheduledAt(sync.id),
          })
        : null;
    if (!next) {
      await unscheduleSync(sync.organizationId, sync.id);
      return null;
    }
    const connection = await new ConnectionRepository(db, sync.organizationId).get(sync.connectionId);
    if (!connection) throw new Error(`The connection of sync ${sync.id} does not exist`);
    const data: ScheduleJobData = { kind: 'schedule', organizationId: sync.organizationId, syncId: sync.id };
    const save = () =>
      deps
        .agenda()
        .create<JobData>(jobName(connection.connectorId), data)
        .unique({ 'data.kind': 'schedule', 'data.syncId': sync.id })
        .schedule(next)
        .save();
    try {
      await save();
    } catch (error) {
      // Two processes scheduling the same new sync at once: the loser's insert hits the one-per-sync index; its
      // second attempt finds the job and updates it.
      if (!isJobUniqueViolation(error)) throw error;
      await save();
    }
    await new SyncRepository(db, sync.organizationId).setNextRunAt(sync.id, next);
    return next;
  }

  async function unscheduleSync(organizationId: string, syncId: string): Promise<void> {
    await deps.agenda().cancel({ data: { kind: 'schedule', syncId } });
    await new SyncRepository(deps.db(), organizationId).setNextRunAt(syncId, null);
  }

  async function enqueueRun(run: SyncRun, connectorId: string): Promise<void> {
    const data: RunJobData = {
      kind: 'run',
      organizationId: run.organizationId,
      syncId: run.syncId,
      runId: run.id,
    };
    await deps
      .agenda()
      .create<JobData>(jobName(connectorId), data)
      .unique({ 'data.runId': run.id }, { insertOnly: true })
      .schedule(now())
      .save();
  }

  async function enqueueWebhookDelivery(organizationId: string, deliveryId: string): Promise<void> {
    const data: WebhookJobData = { kind: 'webhook', organizationId, deliveryId };
    await deps
      .agenda()
      .create<WebhookJobData>(WEBHOOK_JOB, data)
      .unique({ 'data.deliveryId': deliveryId }, { insertOnly: true })
      .schedule(now())
      .save();
  }

  return { scheduleSync, unscheduleSync, enqueueRun, enqueueWebhookDelivery };
}

/**
 * The job store's one-schedule-per-sync index refused a second: PostgreSQL's unique violation (the rule's home is
 * @leadsync/db), or MongoDB's duplicate key (11000).
 */
function isJobUniqueViolation(error: unknown): boolean {
  return isUniqueViolation(error) || (error as { code?: unknown } | undefined)?.code === 11000;
}
