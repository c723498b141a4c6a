import { z } from 'zod';

/** Agenda job names are per connector, so a worker that runs one connector only defines (and so only takes) its jobs. */
export const JOB_NAME_PREFIX = 'sync.run:';

export function jobName(connectorId: string): string {
  return `${JOB_NAME_PREFIX}${connectorId}`;
}

/**
 * What a job carries. `schedule`: the one recurring job of an active sync (queues a run at each due time and
 * reschedules itself); `run`: a one-off that executes an already queued run (run now, preview).
 */
export const jobDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('schedule'), organizationId: z.uuid(), syncId: z.uuid() }),
  z.object({ kind: z.literal('run'), organizationId: z.uuid(), syncId: z.uuid(), runId: z.uuid() }),
]);

export type JobData = z.infer<typeof jobDataSchema>;
export type ScheduleJobData = Extract<JobData, { kind: 'schedule' }>;
export type RunJobData = Extract<JobData, { kind: 'run' }>;

/**
 * Webhook deliveries are not per connector: every worker that runs jobs defines this name, and each attempt is
 * claimed in the database (`WebhookRepository.claimAttempt`), so exactly one process sends it.
 */
export const WEBHOOK_JOB = 'webhook.deliver';

export const webhookJobDataSchema = z.object({
  kind: z.literal('webhook'),
  organizationId: z.uuid(),
  deliveryId: z.uuid(),
});

export type WebhookJobData = z.infer<typeof webhookJobDataSchema>;

/**
 * Retention (issue 23): one recurring job, daily, that prunes run records older than each organization's retention
 * (`pruneExpiredRunRecords` in @leadsync/db). Not per connector: every worker that runs jobs defines it; Agenda keeps
 * one such job (`every` is single) and its lock gives it to one worker at a time.
 */
export const RETENTION_JOB = 'run-records.prune';
