import type { Logger } from '@leadsync/connector-sdk';
import type { JobScheduler } from '@leadsync/jobs';
import { createLogger, createRuntime, workerOptionsFrom } from '@leadsync/runtime';
import type { WorkerEnvironment } from './env.ts';

export { UnknownConnectorIdError } from '@leadsync/runtime';

export interface RunningWorker {
  scheduler: JobScheduler;
  logger: Logger;
  /** Graceful: no new job, running pages finish (up to `LEADSYNC_WORKER_DRAIN_TIMEOUT_MS`), connections close. */
  stop(): Promise<void>;
}

/**
 * A worker on its own: the runtime (`DATABASE_URL`, or the embedded server that `pnpm start` runs on the same data
 * directory) running the jobs of its connectors (`--connector` overrides `LEADSYNC_WORKER_CONNECTORS`).
 */
export async function startWorker(
  env: WorkerEnvironment,
  options: { connectors?: readonly string[] } = {},
): Promise<RunningWorker> {
  const logger = createLogger(env.LOG_LEVEL, { service: 'leadsync-worker', pid: process.pid });
  const runtime = await createRuntime({
    env,
    logger,
    applicationName: 'leadsync-worker',
    poolSize: 0,
    // Unset: nothing (a worker of its own runs no sandbox; `pnpm start` allows the sandbox's port).
    allowedHosts: env.LEADSYNC_ALLOWED_HOSTS ?? [],
    secretKey: 'load-or-create',
    migrate: true,
    jobs: workerOptionsFrom(env, options.connectors),
  });
  const scheduler = runtime.scheduler;
  try {
    if (!scheduler) throw new Error('the runtime has no job scheduler');
    await scheduler.start();
  } catch (error) {
    await runtime.close(0).catch(() => {});
    throw error;
  }
  return { scheduler, logger, stop: () => runtime.close(env.LEADSYNC_WORKER_DRAIN_TIMEOUT_MS) };
}
