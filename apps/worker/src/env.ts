import { commonEnvShape, parseEnvironment, workerEnvShape } from '@leadsync/runtime';
import type { z } from 'zod';

export { EnvironmentError } from '@leadsync/runtime';

/** Where relative paths are taken from: the directory `pnpm start` was typed in, not the package's folder. */
const invocationDir = process.env.INIT_CWD ?? process.cwd();

/** The worker's schema: the shared variables and those of a process that runs jobs. */
export const workerAppEnvShape = { ...commonEnvShape(invocationDir), ...workerEnvShape };

export type WorkerEnvironment = z.infer<z.ZodObject<typeof workerAppEnvShape>>;

export function loadWorkerEnvironment(env: NodeJS.ProcessEnv = process.env): WorkerEnvironment {
  return parseEnvironment(workerAppEnvShape, env);
}
