import { commonEnvShape, parseEnvironment, workerEnvShape } from '@leadsync/runtime';
import { z } from 'zod';

const portError = 'an integer from 1 to 65535';
const rateError = 'a number of requests per second, 0 for no limit';
const burstError = 'a whole number of requests, at least 1';

const perSecond = (fallback: number) =>
  z.coerce.number({ error: rateError }).min(0, rateError).max(1_000_000, rateError).default(fallback);
const burst = (fallback: number) =>
  z.coerce
    .number({ error: burstError })
    .int(burstError)
    .min(1, burstError)
    .max(1_000_000, burstError)
    .default(fallback);

/** Where relative paths are taken from: the directory `pnpm start` was typed in, not the package's folder. */
const invocationDir = process.env.INIT_CWD ?? process.cwd();

/** The API process can run the worker too (`LEADSYNC_EMBEDDED_WORKER`), so it reads the worker's variables as well. */
export const apiEnvShape = {
  ...commonEnvShape(invocationDir),
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
  /** Largest file an upload (`POST /uploads`) may be, in bytes: default 500 MB. */
  LEADSYNC_UPLOAD_MAX_BYTES: z.coerce
    .number({ error: 'a number of bytes' })
    .int('a whole number of bytes')
    .min(1, 'at least 1 byte')
    .max(Number.MAX_SAFE_INTEGER, 'a number of bytes')
    .default(500 * 1024 * 1024),
  /** `false` turns off the Zoho Invoice sandbox that `pnpm start` offers a new user. */
  LEADSYNC_SANDBOX: z
    .enum(['true', 'false', '1', '0'], { error: 'true or false' })
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  /** Requests per API key (token bucket per process): sustained per second (0: no limit) and burst. */
  LEADSYNC_RATE_LIMIT_PER_SECOND: perSecond(50),
  LEADSYNC_RATE_LIMIT_BURST: burst(300),
  /** Failed authentications per client address: sustained per second (0: no limit) and burst. */
  LEADSYNC_AUTH_FAILURES_PER_SECOND: perSecond(10),
  LEADSYNC_AUTH_FAILURE_BURST: burst(1_000),
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
