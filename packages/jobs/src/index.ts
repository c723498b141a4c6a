export {
  createJobHandlers,
  createWebhookJobHandler,
  type JobHandlerDeps,
  type RunEngine,
  type WebhookDelivery,
} from './handlers.ts';
export {
  JOB_NAME_PREFIX,
  type JobData,
  jobName,
  RETENTION_JOB,
  WEBHOOK_JOB,
  type WebhookJobData,
} from './jobs.ts';
export { createJobQueue, type JobQueue, type JobQueueDeps, type NextRunAtFn } from './queue.ts';
export { createJobScheduler, type JobScheduler, type JobSchedulerOptions } from './scheduler.ts';
export {
  JOBS_TABLE,
  type JobStore,
  type JobStoreOptions,
  JobStoreUnavailableError,
  openJobStore,
} from './store.ts';
