import { parseEnvironment, workerEnvShape } from '@leadsync/worker/env';
import { z } from 'zod';

const portError = 'an integer from 1 to 65535';

/** The API process can run the worker too (`LEADSYNC_EMBEDDED_WORKER`), so it reads the worker's variables as well. */
export const apiEnvShape = {
  ...workerEnvShape,
  PORT: z.coerce
    .number({ error: portError })
    .int(portError)
    .min(1, portError)
    .max(65535, portError)
    .default(4000),
  LEADSYNC_ADMIN_KEY: z.string().min(24, 'at least 24 characters').optional(),
  /** When set, `/metrics` needs `Authorization: Bearer <token>`. */
  LEADSYNC_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** `false` turns off the Zoho Invoice sandbox that `pnpm start` offers a new user. */
  LEADSYNC_SANDBOX: z
    .enum(['true', 'false', '1', '0'], { error: 'true or false' })
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  /** Run the worker inside the API process (the one-command default). */
  LEADSYNC_EMBEDDED_WORKER: z
    .enum(['true', 'false', '1', '0'], { error: 'true or false' })
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
};

export type ApiEnvironment = z.infer<z.ZodObject<typeof apiEnvShape>>;

export function loadApiEnvironment(env: NodeJS.ProcessEnv = process.env): ApiEnvironment {
  return parseEnvironment(apiEnvShape, env);
}
