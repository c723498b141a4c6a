export {
  JOBS_TABLE,
  type JobStore,
  type JobStoreOptions,
  JobStoreUnavailableError,
  openJobStore,
} from './job-store.ts';
export { type JobData, jobName, WEBHOOK_JOB, type WebhookJobData } from './jobs.ts';
export { createLogger } from './logger.ts';
export {
  createJobScheduler,
  type JobScheduler,
  type JobSchedulerOptions,
  type NextRunAtFn,
  type RunEngine,
} from './scheduler.ts';
export { exitOnShutdownSignals } from './shutdown.ts';
export {
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
  UnknownConnectorIdError,
} from './worker.ts';
